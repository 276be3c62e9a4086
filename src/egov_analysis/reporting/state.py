"""What each report was built from (a content hash), so that unchanged reports are not re-run."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..config import PACKAGE_DIR
from .reports import Report

STATE_FILE = ".build_state.json"


def library_hash() -> str:
    """A hash of the library: its code, tables and HTML templates (every file of the package)."""
    sha = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def report_hash(report: Report, notebooks: Path, library: str, data: str) -> str:
    """What a report's outputs depend on: its notebook, its parameters, the library, the data."""
    sha = hashlib.sha256()
    for part in (
        (notebooks / report.notebook).read_bytes(),
        report.parameters_json().encode(),
        library.encode(),
        data.encode(),
    ):
        sha.update(hashlib.sha256(part).digest())
    return sha.hexdigest()


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
