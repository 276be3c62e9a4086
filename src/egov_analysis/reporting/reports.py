"""The reports file: every report run, its notebook, parameters and output name."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ReportsFileError(ValueError):
    """The reports file is malformed (the message names the report and the problem)."""


@dataclass(frozen=True)
class Report:
    name: str
    notebook: str
    title: str
    parameters: dict[str, object] = field(default_factory=dict)

    def parameters_json(self) -> str:
        return json.dumps(self.parameters, ensure_ascii=False, sort_keys=True)


def load_reports(path: Path, notebooks: Path) -> list[Report]:
    """Every report of ``path`` (TOML: ``[[report]]`` tables with ``name``, ``notebook``,
    ``title`` and a ``parameters`` table), checked: unique names, existing notebooks."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ReportsFileError(f"cannot read {path}: {err}") from err
    reports, seen = [], set()
    for i, entry in enumerate(data.get("report", []), start=1):
        name = entry.get("name", "")
        if not NAME.match(name):
            raise ReportsFileError(f"report {i}: name {name!r} must be lower-case letters, digits, _ or -")
        if name in seen:
            raise ReportsFileError(f"report {name!r} is listed twice")
        seen.add(name)
        notebook = entry.get("notebook", "")
        if not (notebooks / notebook).is_file():
            raise ReportsFileError(f"report {name!r}: notebook {notebook!r} not found in {notebooks}")
        unknown = set(entry) - {"name", "notebook", "title", "parameters"}
        if unknown:
            raise ReportsFileError(f"report {name!r}: unknown key(s) {', '.join(sorted(unknown))}")
        reports.append(Report(name, notebook, entry.get("title", name), dict(entry.get("parameters", {}))))
    if not reports:
        raise ReportsFileError(f"{path} lists no [[report]]")
    return reports
