"""What a report reads, as fingerprints: the build's cache key, kept per report in the build state.

A report's outputs depend on (OWID etl's per-step checksums, kept per input so that a rebuild can
say why it runs):

- ``notebook``: the notebook file;
- ``parameters``: its parameters, language and title (:meth:`~.reports.Report.parameters_json`);
- ``library``: every module of the package its notebook imports, directly or through other modules
  (the import graph by grimp, function-level imports included, each package's ``__init__`` too),
  plus the modules that run a notebook and export its HTML (:data:`RUNNER_ROOTS`). A module's
  fingerprint covers its source and the package data it reads (:data:`DATA_FILES`). A module no
  report imports (the Dask engine, the command line, the index page) is in no key;
- ``data``: every processed table the report loaded, recorded as it ran (``load`` appends the
  table's name to the file named by ``config.READS_VARIABLE``); for a table with an ``index`` column
  only the rows of the indices the report's parameters name (``index``, ``x_index``…: a PCI ranking
  reads PCI rows), every row when they name none (a profile, the phase report, data quality).

The cleaning code reached through ``load`` (which cleans stale data) is not followed: the build
cleans before any report runs, and whatever a change to the cleaning changes shows in the tables.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..config import PACKAGE_DIR
from .reports import Report

PACKAGE = "egov_analysis"
# the code that runs every report's notebook and exports its pages, whatever the notebook imports
RUNNER_ROOTS = ("egov_analysis.reporting.execute",)
# package data (a glob relative to the package) → the module that reads it
DATA_FILES = {
    "meta/*.csv": "egov_analysis.meta",
    "meta/messages/*/*.toml": "egov_analysis.meta.messages",
    "provinces/*.csv": "egov_analysis.provinces.registry",
    "reporting/templates/offline/*": "egov_analysis.reporting.html",
    "reporting/templates/site/*": "egov_analysis.reporting.index_page",
}
NOT_DATA = ("py.typed",)
# imports not followed: module → the package it does not follow into (see the module docstring)
NOT_FOLLOWED = {"egov_analysis.datasets": "egov_analysis.clean"}
INDEX_COLUMN = "index"
MISSING = "missing"


def _sha(data: bytes) -> str:
    """A short content fingerprint (64 bits: the state holds one per module and table per report)."""
    return hashlib.sha256(data).hexdigest()[:16]


def data_file_module(relative: str) -> str | None:
    """The module that reads the package data file ``relative`` (posix, relative to the package)."""
    found = [module for pattern, module in DATA_FILES.items() if fnmatch.fnmatchcase(relative, pattern)]
    return found[0] if len(found) == 1 else None


def recorded_reads(path: Path) -> tuple[str, ...]:
    """The tables a run recorded in ``path`` (``datasets.load`` writes them), sorted, once each."""
    try:
        return tuple(sorted({line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()}))
    except FileNotFoundError:
        return ()


class Library:
    """The package's import graph and a fingerprint of every module; build one per build."""

    def __init__(self, root: Path = PACKAGE_DIR) -> None:
        self.root = root

    @cached_property
    def graph(self) -> Any:
        import grimp

        # imports under TYPE_CHECKING never run (the package's __init__ names every part for tools)
        return grimp.build_graph(PACKAGE, cache_dir=None, exclude_type_checking_imports=True)

    @cached_property
    def digests(self) -> dict[str, str]:
        """Every module's fingerprint: its source file and the package data it reads."""
        parts: dict[str, list[bytes]] = {}
        for path in sorted(self.root.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.name in NOT_DATA:
                continue
            relative = path.relative_to(self.root).as_posix()
            if path.suffix == ".py":
                dotted = ".".join([PACKAGE, *path.relative_to(self.root).with_suffix("").parts])
                module = dotted.removesuffix(".__init__")
            else:
                module = data_file_module(relative) or PACKAGE  # unassigned data: the whole package
            parts.setdefault(module, []).append(relative.encode() + b"\0" + path.read_bytes())
        return {module: _sha(b"\0\0".join(chunks)) for module, chunks in parts.items()}

    def _imported_by(self, module: str) -> set[str]:
        found = set(self.graph.find_modules_directly_imported_by(module))
        cut = NOT_FOLLOWED.get(module)
        return {m for m in found if not (cut and (m == cut or m.startswith(cut + ".")))}

    def closure(self, roots: Iterable[str]) -> set[str]:
        """``roots`` and every module they import, transitively, with the packages that hold them
        (importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__``)."""
        known = set(self.graph.modules)
        seen: set[str] = set()
        todo = [r for r in roots if r in known]
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            parent = module.rpartition(".")[0]
            todo += [m for m in self._imported_by(module) if m not in seen]
            if parent and parent in known and parent not in seen:
                todo.append(parent)
        return seen

    def modules_of(self, notebook: Path) -> dict[str, str]:
        """The fingerprint of every module the report of ``notebook`` runs: its imports' closure
        and the runner's (:data:`RUNNER_ROOTS`). A notebook whose code cannot be read counts as
        importing the whole package."""
        roots = notebook_imports(notebook, set(self.graph.modules))
        modules = self.closure([*roots, *RUNNER_ROOTS]) if roots is not None else set(self.graph.modules)
        return {m: self.digests.get(m, MISSING) for m in sorted(modules)}


def _code_cells(notebook: Path) -> list[str] | None:
    try:
        book = json.loads(notebook.read_text("utf-8"))
        cells = [c for c in book.get("cells", []) if c.get("cell_type") == "code"]
        sources = [s if isinstance(s := c.get("source", ""), str) else "".join(s) for c in cells]
    except (OSError, ValueError, AttributeError, TypeError):
        return None
    # IPython's magics and shell escapes are not Python
    return ["\n".join(x for x in s.splitlines() if not x.lstrip().startswith(("%", "!"))) for s in sources]


def _ours(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def notebook_imports(notebook: Path, modules: set[str]) -> set[str] | None:
    """The package's modules ``notebook`` imports (``import egov_analysis as ea`` then ``ea.load``
    counts as the module ``load`` lives in), or ``None`` when a code cell is not Python."""
    import egov_analysis

    lazy = {
        **{name: f"{PACKAGE}.{name}" for name in egov_analysis._SUBMODULES},
        **egov_analysis._FUNCTIONS,
    }
    cells = _code_cells(notebook)
    if cells is None:
        return None
    found: set[str] = set()
    for source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        aliases: set[str] = set()  # names bound to the package itself
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _ours(alias.name):
                        found.add(alias.name)
                    if alias.name == PACKAGE:
                        aliases.add(alias.asname or PACKAGE)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and _ours(node.module or ""):
                found.add(str(node.module))
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    if child in modules:
                        found.add(child)
                    elif node.module == PACKAGE and alias.name in lazy:
                        found.add(lazy[alias.name])
        for node in ast.walk(tree):  # ea.load: the module the package loads it from on first use
            name = (
                node.value.id if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) else ""
            )
            if name in aliases and isinstance(node, ast.Attribute) and node.attr in lazy:
                found.add(lazy[node.attr])
    return {m for m in found if m in modules}


def named_indices(report: Report, defaults: Mapping[str, str]) -> tuple[str, ...]:
    """The indices a report's parameters name (``index``, ``x_index``, ``y_index``…; a notebook's
    default counts where the report sets none), sorted; empty when they name none."""
    values: dict[str, Any] = {}
    for name, default in defaults.items():
        try:
            values[name] = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            continue
    values.update(report.parameters)
    named = {
        v
        for k, v in values.items()
        if (k == INDEX_COLUMN or k.endswith("_" + INDEX_COLUMN)) and isinstance(v, str)
    }
    return tuple(sorted(named))


def data_keys(tables: Iterable[str], indices: Iterable[str], digests: Mapping[str, str]) -> list[str]:
    """The data keys a report that read ``tables`` and names ``indices`` depends on: ``table`` or,
    for a table split by index, ``table[index]`` for each named index."""
    named = sorted(set(indices))
    keys = []
    for table in sorted(set(tables)):
        split = any(k.startswith(f"{table}[") for k in digests)
        keys += [f"{table}[{i}]" for i in named] if split and named else [table]
    return keys


@dataclass
class DataFingerprints:
    """The fingerprint of every processed table (``name``) and, for a table with an ``index``
    column, of each index's rows (``name[index]``). Per-index fingerprints are computed once per
    table content and kept in ``cache`` (a JSON file beside the build state)."""

    processed: Path
    cache: Path
    write: bool = True  # False: read the cache, never write it (a dry run writes nothing)

    @cached_property
    def digests(self) -> dict[str, str]:
        try:
            known = json.loads(self.cache.read_text("utf-8"))
        except (OSError, ValueError):
            known = {}
        known = known if isinstance(known, dict) else {}
        out: dict[str, str] = {}
        fresh: dict[str, dict[str, str]] = {}
        for path in sorted(self.processed.glob("*.parquet")):
            table, whole = path.stem, _sha(path.read_bytes())
            out[table] = whole
            split = known.get(whole)
            if not isinstance(split, dict):
                split = _split_by_index(path)
            fresh[whole] = split
            out.update({f"{table}[{index}]": digest for index, digest in split.items()})
        if self.write and fresh != known:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(fresh, indent=1, sort_keys=True) + "\n", "utf-8")
            os.replace(tmp, self.cache)
        return out

    def of(self, keys: Iterable[str]) -> dict[str, str]:
        """The fingerprints of ``keys``; a table or index not held is ``missing`` (it may appear)."""
        return {k: self.digests.get(k, MISSING) for k in keys}


def _split_by_index(path: Path) -> dict[str, str]:
    """A fingerprint of each index's rows of a table with an ``index`` column ({} otherwise)."""
    import pyarrow.parquet as pq

    if INDEX_COLUMN not in pq.read_schema(path).names:
        return {}
    import pandas as pd

    frame = pd.read_parquet(path)
    columns = ",".join(map(str, frame.columns)).encode()
    out = {}
    for index, rows in frame.groupby(INDEX_COLUMN, sort=True, dropna=False):
        hashed = pd.util.hash_pandas_object(rows.reset_index(drop=True), index=False).to_numpy()
        out[str(index)] = _sha(columns + b"\0" + hashed.tobytes())
    return out


def library_hash() -> str:
    """A hash of the whole library: its code, tables and HTML templates (every file of the package);
    a Dask worker whose library differs from the build's refuses to run."""
    sha = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def notebook_digest(path: Path) -> str:
    return _sha(path.read_bytes())


def parameters_digest(report: Report) -> str:
    return _sha(report.parameters_json().encode())
