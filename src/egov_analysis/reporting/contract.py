"""The contract between a report and its notebook, checked for every report before any kernel starts.

A notebook declares its parameters in its cell tagged ``parameters``, one a line,
``name: type = default  # help`` (what ``papermill --help-notebook`` shows and
``papermill.inspect_notebook`` reads). A report may set only declared names; each value must be a
plain TOML value (text, integer, float, boolean, or a list or table of them) of the declared type,
never coerced (``int`` given ``"2020"`` is refused); names must be Python identifiers (papermill
writes them into the injected cell unescaped). The notebook must lie inside ``notebooks/`` and
declare the parameters the build injects (:data:`INJECTED`): the figure folder, the language and
the title; the language must have a message catalogue.

:func:`load_reports` is what the build and the command call: the file's shape from
:mod:`.reports` (which imports nothing from here), then this module's checks, every problem at once.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import keyword
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .reports import Report, parse_reports, raise_problems

# name → (type, why): set by the build on every run, so every notebook declares them
INJECTED = {
    "figures": ("str", "the folder the report's figures go to"),
    "lang": ("str", "the report's language"),
    "title": ("str", "the report's title"),
}
SET_BY_BUILD = {
    "figures": "the build sets it to the report's figure folder",
    "title": "use the report's title",
}


@dataclass(frozen=True)
class Declared:
    """A parameter as its notebook declares it."""

    name: str
    type_name: str
    default: str
    help: str


_cache: dict[tuple[str, int, int], dict[str, Declared]] = {}


def declared_parameters(notebook: Path) -> dict[str, Declared]:
    """The parameters ``notebook`` declares, by name (``papermill.inspect_notebook``, cached by the
    file's time and size). The type is the annotation or, without one, that of the default."""
    stat = notebook.stat()
    key = (str(notebook), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        import papermill

        found = papermill.inspect_notebook(str(notebook))
        _cache[key] = {
            name: Declared(
                name,
                _type_name(str(info.get("inferred_type_name", "None")), str(info.get("default", ""))),
                str(info.get("default", "")),
                str(info.get("help", "")),
            )
            for name, info in found.items()
        }
    return _cache[key]


def _type_name(annotation: str, default: str) -> str:
    if annotation not in ("None", ""):
        return annotation
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return ""
    return type(value).__name__ if isinstance(value, str | int | float | bool | list | dict) else ""


def notebook_problem(notebooks: Path, notebook: str) -> str | None:
    """Why ``notebook`` is not a notebook file inside ``notebooks`` (no ``..``, no absolute path, no
    symbolic link out of it), or ``None``."""
    if not notebook or not notebook.endswith(".ipynb"):
        return f"notebook {notebook!r} must be a .ipynb file in {notebooks}"
    posix, windows = PurePosixPath(notebook), PureWindowsPath(notebook)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or "\\" in notebook:
        return f"notebook {notebook!r} must be a path relative to {notebooks}"
    if ".." in posix.parts:
        return f"notebook {notebook!r} must stay inside {notebooks} (no '..')"
    root = notebooks.resolve()
    target = (notebooks / notebook).resolve()
    if not target.is_relative_to(root):
        return f"notebook {notebook!r} leads out of {notebooks} (to {target}) through a symbolic link"
    if not target.is_file():
        return f"notebook {notebook!r} not found in {notebooks}"
    return None


def plain_problem(value: Any) -> str | None:
    """Why ``value`` is not a plain TOML value the kernel can receive as a literal, or ``None``."""
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return f"{value!r} is a TOML date or time; write it as a string or a year"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if isinstance(value, list):
        return next((p for p in map(plain_problem, value) if p), None)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = plain_problem(item)
            if problem:
                return f"in key {key!r}: {problem}"
        return None
    if isinstance(value, str | int | float | bool):
        return None
    return f"{value!r} is not a plain value (text, number, boolean, list or table)"


def _matches(value: Any, type_name: str) -> bool:
    """Whether ``value`` has the declared type: no coercion; an ``int`` fits a ``float``."""
    alternatives = [t.strip() for t in type_name.split("|")]
    if len(alternatives) > 1:
        return any(_matches(value, t) for t in alternatives)
    base, _, inner = type_name.partition("[")
    base, inner = base.strip().lower(), inner.rstrip("]").strip()
    if base in ("typing.list", "list", "sequence", "tuple"):
        return isinstance(value, list) and (not inner or all(_matches(v, inner) for v in value))
    checks = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "dict": lambda v: isinstance(v, dict),
    }
    check = checks.get(base)
    return True if check is None else check(value)  # a type we cannot check: plainness is enough


def _toml_type(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "list", dict: "table"}.get(
        type(value), type(value).__name__
    )


def parameter_problems(name: str, value: Any, declared: dict[str, Declared]) -> list[str]:
    """What is wrong with setting parameter ``name`` to ``value`` given the ``declared`` parameters."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return [f"parameter name {name!r} is not a Python identifier; it would be written into the code"]
    if name in SET_BY_BUILD:
        return [f"parameter {name!r} cannot be set in the reports file: {SET_BY_BUILD[name]}"]
    if name not in declared:
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        known = ", ".join(sorted(set(declared) - set(SET_BY_BUILD)))
        return [f"unknown parameter {name!r}{hint}; the notebook declares: {known}"]
    problem = plain_problem(value)
    if problem:
        return [f"parameter {name!r}: {problem}"]
    expected = declared[name].type_name
    if expected and not _matches(value, expected):
        return [f"parameter {name!r} is declared {expected}, but is given the {_toml_type(value)} {value!r}"]
    return []


def _notebook_contract(notebook: str, declared: dict[str, Declared]) -> list[str]:
    problems = []
    for name, (type_name, why) in INJECTED.items():
        found = declared.get(name)
        if found is None:
            problems.append(
                f"notebook {notebook!r} does not declare {name!r} ({why}, injected by the build); "
                f"add `{name}: {type_name} = ...  # help` to its parameters cell"
            )
        elif found.type_name and found.type_name != type_name:
            problems.append(f"notebook {notebook!r} declares {name!r} as {found.type_name}, not {type_name}")
    return problems


def load_reports(path: Path, notebooks: Path) -> list[Report]:
    """Every report of the reports file ``path`` (all sets, matrices expanded, in file order), each
    held against its notebook in ``notebooks``. Starts no kernel.

    Raises :class:`~.reports.ReportsFileError` when the file cannot be read, and
    :class:`~.reports.ReportContractError` listing every problem of shape and contract
    (``<file>:<line>: report '<name>': …``) when any report is wrong."""
    reports, problems = parse_reports(path)
    raise_problems(path, problems + check_reports(reports, notebooks, path))
    return reports


def lang_problem(lang: str) -> str | None:
    """Why ``lang`` cannot be a report's language (no message catalogue), or ``None``."""
    from ..meta.messages import languages

    if lang in languages():
        return None
    return f"lang {lang!r} has no message catalogue; languages: {', '.join(languages())}"


def check_reports(
    reports: Sequence[Report], notebooks: Path, source: Path | str = "reports.toml"
) -> list[str]:
    """Every contract problem of every report, one line each (``<file>:<line>: report '<name>': …``);
    an empty list when all reports may run. Starts no kernel: notebooks are only read."""
    problems: list[str] = []
    declared_by_notebook: dict[str, dict[str, Declared] | None] = {}
    for report in reports:
        where = f"{source}:{report.line}: report {report.name!r}"
        if report.notebook not in declared_by_notebook:
            declared: dict[str, Declared] | None = None
            problem = notebook_problem(notebooks, report.notebook)
            if problem is None:
                try:
                    declared = declared_parameters((notebooks / report.notebook).resolve())
                except Exception as err:  # an unreadable notebook is one more problem, not a crash
                    problem = f"notebook {report.notebook!r} cannot be read: {type(err).__name__}: {err}"
            if problem:
                problems.append(f"{where}: {problem}")
            else:
                problems += [f"{where}: {p}" for p in _notebook_contract(report.notebook, declared or {})]
            declared_by_notebook[report.notebook] = declared
        declared = declared_by_notebook[report.notebook]
        if declared is None:
            continue
        if isinstance(report.parameters.get("lang", report.lang), str):  # another type: refused below
            problem = lang_problem(report.lang)
            problems += [f"{where}: {problem}"] if problem else []
        for name, value in report.parameters.items():
            problems += [f"{where}: {p}" for p in parameter_problems(name, value, declared)]
    return problems
