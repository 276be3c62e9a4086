"""The reports file: every report run, its notebook, parameters, title, set and output name.

``[[report]]`` tables name one report each; ``[[matrix]]`` tables stand for one report per point of
a parameter grid (:mod:`.matrix`). Every table belongs to a set (``set = "sweep"``; ``default`` when
absent): ``egov-analysis build`` runs the default set, ``--set sweep`` another one. This module is the
home of the file's shape (:func:`parse_reports`, :func:`read_reports`); :mod:`.contract` holds each
report against its notebook and is what the build calls (``contract.load_reports``), so that every
problem of every report is reported together, before any kernel starts. This module imports no
other module of the reporting package but :mod:`.matrix`.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..meta.messages import DEFAULT_LANG
from . import matrix

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_NAME = 200  # <name>.reviewer.html and <name>.failed.ipynb stay under the usual 255-byte limit
DEFAULT_SET = "default"
ALL_SETS = "all"
REPORT_KEYS = {"name", "notebook", "title", "parameters", "set"}
MATRIX_KEYS = {"name", "notebook", "title", "title_message", "parameters", "grid", "set"}


class ReportsFileError(ValueError):
    """The reports file is malformed (the message names the file, line, report and problem)."""


class ReportContractError(ReportsFileError):
    """Reports break their notebooks' contract; ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        # one problem is one line (cron mails and CI logs); several get a heading line first
        text = (
            f"{self.problems[0]} (no report was run)"
            if len(self.problems) == 1
            else "\n".join([f"{len(self.problems)} problems in the reports; none was run:", *self.problems])
        )
        super().__init__(text)


@dataclass(frozen=True)
class Report:
    """One report run: ``notebook`` (relative to notebooks/) with ``parameters``, published as ``name``.

    ``matrix`` is the name template of the matrix it was expanded from (empty for a ``[[report]]``)
    and ``point`` its grid values in grid order; ``line`` is where its table starts in the file."""

    name: str
    notebook: str
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)
    set_name: str = DEFAULT_SET
    matrix: str = ""
    point: tuple[tuple[str, Any], ...] = ()
    line: int = 0

    @property
    def lang(self) -> str:
        return str(self.parameters.get("lang", DEFAULT_LANG))

    def notebook_parameters(self, figures: str | Path) -> dict[str, Any]:
        """What papermill injects: the report's parameters plus ``lang``, ``title`` and the folder its
        figures go to (``figures``), which the build sets."""
        return {**self.parameters, "lang": self.lang, "title": self.title, "figures": str(figures)}

    def parameters_json(self) -> str:
        """Everything the outputs depend on besides the notebook, library and data (for the cache)."""
        return json.dumps(
            {**self.parameters, "lang": self.lang, "title": self.title},
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )


def _header_lines(text: str, table: str) -> list[int]:
    pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{table}[ \t]*\]\]", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


def _title_of(entry: dict[str, Any], lang: str, values: dict[str, str]) -> str:
    if "title_message" in entry:
        from ..meta.messages import catalogue, languages

        key = str(entry["title_message"])
        if lang not in languages():
            raise matrix.MatrixError(
                f"lang {lang!r} has no message catalogue for title_message {key!r}; "
                f"languages: {', '.join(languages())}"
            )
        try:
            template = catalogue(lang)[key]
        except KeyError:
            raise matrix.MatrixError(
                f"title_message {key!r} is missing from the {lang!r} catalogue"
            ) from None
        missing = [f for f in matrix.template_fields(template) if f not in values]
        if missing:
            raise matrix.MatrixError(
                f"title_message {key!r} ({lang}) needs {{{missing[0]}}}, which is no grid key or "
                f"parameter of this matrix; fields: {', '.join(sorted(values))}"
            )
        return template.format(**values)
    return matrix.fill(str(entry.get("title", entry.get("name", ""))), values, "title")


def _expand_matrix(entry: dict[str, Any], line: int) -> list[Report]:
    """The reports of one ``[[matrix]]`` table. Raises :class:`matrix.MatrixError`."""
    template = str(entry.get("name", ""))
    fixed = dict(entry.get("parameters", {}))
    grid = entry.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise matrix.MatrixError("a matrix needs a grid table, e.g. grid = { lang = ['en', 'vi'] }")
    overlap = sorted(set(grid) & set(fixed))
    if overlap:
        raise matrix.MatrixError(f"{', '.join(overlap)} is both a grid key and a fixed parameter")
    reports = []
    for point in matrix.expand(grid):
        values = matrix.fields({**fixed, **point})
        parameters = {**fixed, **point}
        lang = str(parameters.get("lang", DEFAULT_LANG))
        reports.append(
            Report(
                name=matrix.fill(template, values, "name"),
                notebook=str(entry.get("notebook", "")),
                title=_title_of(entry, lang, {**values, **matrix.display_fields(parameters, lang)}),
                parameters=parameters,
                set_name=str(entry.get("set", DEFAULT_SET)),
                matrix=template,
                point=tuple(point.items()),
                line=line,
            )
        )
    return reports


def _shape_problems(entry: object, kind: str, allowed: set[str]) -> list[str]:
    if not isinstance(entry, dict):
        return [f"a [[{kind}]] must be a table"]
    problems = []
    unknown = sorted(set(entry) - allowed)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    for key in ("name", "notebook", "title", "title_message", "set"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(f"{key} must be a string, not {entry[key]!r}")
    if not isinstance(entry.get("parameters", {}), dict):
        problems.append("parameters must be a table")
    set_name = entry.get("set", DEFAULT_SET)
    if isinstance(set_name, str):
        problems += [p for p in [set_problem(set_name)] if p]
    return problems


def set_problem(set_name: str) -> str | None:
    """Why ``set_name`` cannot name a set of reports (``all`` stands for every set), or ``None``."""
    if set_name == ALL_SETS:
        return f"set {ALL_SETS!r} is reserved: `--set {ALL_SETS}` builds every set"
    if not NAME.match(set_name):
        return f"set {set_name!r} must be lower-case ASCII letters, digits, _ or - (not empty)"
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a report (output file) name, or ``None``."""
    if not NAME.match(name):
        return f"name {name!r} must be lower-case ASCII letters, digits, _ or -"
    if len(name) > MAX_NAME:
        return f"name {name[:40]!r}… is {len(name)} characters; at most {MAX_NAME} fit a file name"
    return None


def parse_reports(path: Path) -> tuple[list[Report], list[str]]:
    """Every report of ``path``, all sets, matrices expanded, in file order, and every problem of
    the file's shape (``<file>:<line>: …``), unsorted. The notebooks are not looked at.

    Raises :class:`ReportsFileError` when the file cannot be read or lists nothing."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ReportsFileError(f"cannot read {path}: {err}") from err
    problems: list[str] = []
    unknown = sorted(set(data) - {"report", "matrix"})
    if unknown:
        problems.append(f"{path}: unknown table(s) {', '.join(unknown)}; use [[report]] or [[matrix]]")
    reports: list[tuple[int, Report]] = []
    for kind, allowed in (("report", REPORT_KEYS), ("matrix", MATRIX_KEYS)):
        entries = data.get(kind, [])
        lines = _header_lines(text, kind)
        for i, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            line = lines[i] if i < len(lines) else 0
            label = entry.get("name") if isinstance(entry, dict) else None
            where = f"{path}:{line}: {kind} " + (repr(label) if label else str(i + 1))
            shape = _shape_problems(entry, kind, allowed)
            if shape:
                problems += [f"{where}: {p}" for p in shape]
                continue
            if kind == "report":
                reports.append((line, _plain_report(entry, line)))
                continue
            try:
                reports += [(line, r) for r in _expand_matrix(entry, line)]
            except (matrix.MatrixError, KeyError, ValueError) as err:
                problems.append(f"{where}: {err}")
    ordered = [r for _, r in sorted(reports, key=lambda pair: pair[0])]
    seen: set[str] = set()
    for report in ordered:
        problem = name_problem(report.name)
        if problem:
            problems.append(f"{path}:{report.line}: {problem}")
        elif report.name in seen:
            problems.append(f"{path}:{report.line}: report {report.name!r} is listed twice")
        seen.add(report.name)
    if not ordered and not problems:
        raise ReportsFileError(f"{path} lists no [[report]] or [[matrix]]")
    return ordered, problems


def raise_problems(path: Path, problems: Sequence[str]) -> None:
    """Raise :class:`ReportContractError` with ``problems`` in line order, if there are any."""
    if problems:
        at_line = re.compile(rf"^{re.escape(str(path))}:(\d+):")
        raise ReportContractError(sorted(problems, key=lambda p: int(m[1]) if (m := at_line.match(p)) else 0))


def read_reports(path: Path) -> list[Report]:
    """:func:`parse_reports` that raises :class:`ReportContractError` for a problem of shape (the
    notebooks are not looked at: ``contract.load_reports`` checks those too)."""
    reports, problems = parse_reports(path)
    raise_problems(path, problems)
    return reports


def _plain_report(entry: dict[str, Any], line: int) -> Report:
    name = str(entry.get("name", ""))
    return Report(
        name=name,
        notebook=str(entry.get("notebook", "")),
        title=str(entry.get("title", name)),
        parameters=dict(entry.get("parameters", {})),
        set_name=str(entry.get("set", DEFAULT_SET)),
        line=line,
    )


def sets(reports: Iterable[Report]) -> list[str]:
    """The set names the reports use, the default set first."""
    names = dict.fromkeys([DEFAULT_SET, *(r.set_name for r in reports)])
    return list(names)


def select(reports: Sequence[Report], set_name: str = DEFAULT_SET, only: Sequence[str] = ()) -> list[Report]:
    """The reports of ``set_name`` (``all``: every set), or only the named ones (of any set).

    Raises ``KeyError`` naming an unknown set or report."""
    if only:
        names = [r.name for r in reports]
        unknown = sorted(set(only) - set(names))
        if unknown:
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
                hints.append(
                    f"{name!r}" + (f" (did you mean {', '.join(map(repr, close))}?)" if close else "")
                )
            raise KeyError(
                f"no report named {', '.join(hints)}; `egov-analysis build --list --set all` lists them"
            )
        return [r for r in reports if r.name in only]
    if set_name != ALL_SETS and set_name not in {r.set_name for r in reports}:
        raise KeyError(f"no report set {set_name!r}; sets: {', '.join([*sets(reports), ALL_SETS])}")
    return [r for r in reports if set_name in (ALL_SETS, r.set_name)]
