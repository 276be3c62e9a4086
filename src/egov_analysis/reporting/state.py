"""The build state: what each report was built from (the fingerprints of :mod:`.inputs`) and what it
wrote, so that a report runs only when something it reads changed, and the build can say what."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .inputs import (
    MISSING,
    DataFingerprints,
    Library,
    data_keys,
    named_indices,
    notebook_digest,
    parameters_digest,
)
from .reports import Report

STATE_FILE = ".build_state.json"


class Inputs:
    """The current fingerprints of what reports read (:mod:`.inputs`), computed once per build, and
    why a report must run given its entry in the build state."""

    def __init__(
        self,
        notebooks: Path,
        processed: Path,
        cache: Path,
        write_cache: bool = True,
        library: Library | None = None,
    ) -> None:
        self.notebooks = notebooks
        self.library = library or Library()
        self.data = DataFingerprints(processed, cache, write_cache)
        self._static: dict[str, dict[str, Any]] = {}

    def static(self, report: Report) -> dict[str, Any]:
        """What a report's outputs depend on besides the data: notebook, parameters, modules."""
        if report.name not in self._static:
            notebook = self.notebooks / report.notebook
            self._static[report.name] = {
                "notebook": notebook_digest(notebook),
                "parameters": parameters_digest(report),
                "library": self.library.modules_of(notebook),
            }
        return self._static[report.name]

    def after_run(self, report: Report, reads: Sequence[str]) -> dict[str, Any]:
        """The inputs to store for a report that ran and read the tables ``reads``."""
        from .contract import declared_parameters

        defaults = {n: d.default for n, d in declared_parameters(self.notebooks / report.notebook).items()}
        keys = data_keys(reads, named_indices(report, defaults), self.data.digests)
        return {**self.static(report), "data": self.data.of(keys)}

    def reasons(self, report: Report, entry: Mapping[str, Any], outputs: Mapping[str, str]) -> list[str]:
        """Why ``report`` must run (empty: it is up to date), given its state ``entry`` and the
        fingerprints of its outputs now (``missing`` for an absent file)."""
        stored = _table(entry.get("inputs"))
        written = _table(entry.get("outputs"))
        missing = sorted(path for path, digest in outputs.items() if digest == MISSING)
        found = ["failed last time"] if entry.get("last_error") else []
        if not stored:
            return found or [f"output missing: {missing[0]}" if missing else "never built by this build"]
        now = self.static(report)
        if stored.get("notebook") != now["notebook"]:
            found.append(f"notebook: {report.notebook}")
        if stored.get("parameters") != now["parameters"]:
            found.append("parameters")
        data = _table(stored.get("data"))
        changed = [key for key, digest in sorted(data.items()) if self.data.of([key])[key] != digest]
        if changed:
            found.append(f"data: {', '.join(changed)}")
        modules, library = _table(stored.get("library")), now["library"]
        differ = sorted(m for m in set(modules) | set(library) if modules.get(m) != library.get(m))
        if differ:
            found.append(f"library: {', '.join(differ)}")
        if missing:
            found.append(f"output missing: {', '.join(missing)}")
        edited = sorted(p for p, d in outputs.items() if d != MISSING and written.get(p) != d)
        if edited or (not missing and set(written) != set(outputs)):
            found.append(f"output changed: {', '.join(edited) or 'files added or removed'}")
        return found


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_state(reports_dir: Path) -> dict[str, dict[str, object]]:
    try:
        return json.loads((reports_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def write_state(reports_dir: Path, state: dict[str, dict[str, object]]) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    tmp = reports_dir / f"{STATE_FILE}.tmp"
    try:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, reports_dir / STATE_FILE)
    finally:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
