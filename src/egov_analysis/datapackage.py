"""``datapackage.json`` of the data download: a Frictionless Data Package whose Table Schemas are
generated from the field registry (:mod:`egov_analysis.fields`), so the descriptor, the pandera
validation and ``docs/data_dictionary.md`` cannot drift apart.

Each processed table is a resource (``<table>.csv``) with every field's type, description, unit and
constraints (required, allowed values, bounds), the primary key, the missing-value marker (an
empty cell) and the terms of the data behind it (``meta/data_terms.csv``, also the README's "Data
terms" table and ``DATA-TERMS.md`` in the download). Specification: https://datapackage.org.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from . import meta
from .fields import TABLES, Field, Table

NAME = "egov-analysis-data"
TERMS_FILE = "DATA-TERMS.md"
# pandas dtypes of the registry -> Table Schema field types
FIELD_TYPES = {"string": "string", "Int64": "integer", "Float64": "number", "boolean": "boolean"}
MISSING_VALUES = [""]  # the processed CSVs write a missing value as an empty cell


def zip_name(version: str) -> str:
    """The data download's file name for a package version (``egov-analysis-data-0.2.0.zip``)."""
    safe = re.sub(r"[^A-Za-z0-9.+-]", "-", version)
    return f"{NAME}-{safe}.zip"


def data_terms() -> list[dict[str, str]]:
    """The rows of ``meta/data_terms.csv``: ``data``, ``publisher``, ``terms`` (Markdown, saying
    plainly what is not verified or unknown), ``licence`` (an SPDX id where one is stated),
    ``licence_url``, ``tables`` (the processed tables it feeds, ``;``-separated)."""
    rows = meta.package_rows("data_terms.csv")
    unknown = {t for r in rows for t in r["tables"].split(";")} - set(TABLES)
    if unknown:
        raise meta.MetaError(f"data_terms.csv: tables {sorted(unknown)} are not processed tables")
    return rows


def terms_markdown() -> str:
    """The "Data terms" table (Markdown) from ``meta/data_terms.csv``."""
    lines = ["| data | publisher | terms as far as known |", "|---|---|---|"]
    lines += [f"| {r['data']} | {r['publisher']} | {r['terms']} |" for r in data_terms()]
    return "\n".join(lines)


def _plain(text: str) -> str:
    return text.replace("**", "")


def _licences(table: str) -> list[dict[str, str]]:
    out = []
    for r in data_terms():
        if table not in r["tables"].split(";"):
            continue
        entry = {"title": f"{r['data']} ({r['publisher']}): {_plain(r['terms'])}"}
        if r["licence"]:
            entry.update(name=r["licence"], path=r["licence_url"])
        else:
            entry["path"] = TERMS_FILE
        out.append(entry)
    return out


def _field(f: Field) -> dict[str, Any]:
    if f.dtype not in FIELD_TYPES:
        raise ValueError(f"field {f.name!r}: dtype {f.dtype!r} has no Table Schema type")
    field: dict[str, Any] = {"name": f.name, "type": FIELD_TYPES[f.dtype], "description": f.description}
    if f.unit:
        field["unit"] = f.unit
    constraints: dict[str, Any] = {}
    if not f.nullable and field["type"] != "string":
        # a text never null may still be empty (lost_values.year "may be empty"), and a CSV writes
        # an empty text and a missing one alike: only a non-text field can be required in the file
        constraints["required"] = True
    if f.choices:
        constraints["enum"] = list(f.choices)
    number = int if field["type"] == "integer" else float
    if f.low is not None:
        constraints["minimum"] = number(f.low)
    if f.high is not None:
        constraints["maximum"] = number(f.high)
    if constraints:
        field["constraints"] = constraints
    return field


def resource(table: Table) -> dict[str, Any]:
    """The resource of one processed table (``<name>.csv``) with its Table Schema."""
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.description,
        "schema": {
            "fields": [_field(f) for f in table.fields],
            "primaryKey": list(table.key),
            "missingValues": MISSING_VALUES,
        },
        "licenses": _licences(table.name),
    }


def descriptor(version: str, tables: Iterable[str] | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` of the given processed tables (all by default) for ``version``."""
    names = list(TABLES) if tables is None else [t for t in TABLES if t in set(tables)]
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "egov-analysis: Vietnam's provincial governance and e-government indices, processed tables",
        "version": version,
        "description": (
            "Every processed table of egov-analysis as CSV: published values with their sources, "
            "values derived by the project marked as such, gaps left empty. The figures keep their "
            f"publishers' terms ({TERMS_FILE}); the code that made the tables is MIT-licensed."
        ),
        "licenses": [{"path": TERMS_FILE, "title": "Each figure keeps its publisher's terms"}],
        "sources": [
            {"title": r["publisher"], "path": TERMS_FILE}
            for r in data_terms()
            if any(t in names for t in r["tables"].split(";"))
        ],
        "resources": [resource(TABLES[name]) for name in names],
    }


def check_headers(package: dict[str, Any], csv_texts: dict[str, str]) -> list[str]:
    """Where the CSVs disagree with the descriptor: a resource without its file, a file without a
    resource, a header other than the schema's fields in order. Empty when they agree."""
    problems = []
    paths = {r["path"]: r for r in package["resources"]}
    for path in sorted(set(csv_texts) - set(paths)):
        problems.append(f"{path}: no resource describes it")
    for path, res in paths.items():
        if path not in csv_texts:
            problems.append(f"{path}: resource {res['name']!r} has no file")
            continue
        header = next(csv.reader(io.StringIO(csv_texts[path])), [])
        expected = [f["name"] for f in res["schema"]["fields"]]
        if header != expected:
            problems.append(f"{path}: header {header} is not the schema's fields {expected}")
    return problems


SQLITE_FILE = f"{NAME}.sqlite"
SQLITE_TYPES = {"string": "TEXT", "Int64": "INTEGER", "Float64": "REAL", "boolean": "INTEGER"}


def sqlite_bytes(frames: dict[str, Any]) -> bytes:
    """The processed tables (``{name: DataFrame}``) as one SQLite database, for Datasette or any SQL
    client: a table each, columns typed from the field registry (``NOT NULL`` where a field is never
    empty), the registry's key as the primary key, rows in the tables' order. The same frames give
    the same bytes."""
    import sqlite3
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SQLITE_FILE
        connection = sqlite3.connect(path)
        try:
            for name, frame in frames.items():
                table = TABLES[name]
                columns = ", ".join(
                    f'"{f.name}" {SQLITE_TYPES[f.dtype]}{"" if f.nullable else " NOT NULL"}'
                    for f in table.fields
                )
                key = ", ".join(f'"{k}"' for k in table.key)
                connection.execute(f'CREATE TABLE "{name}" ({columns}, PRIMARY KEY ({key}))')
                rows = frame[table.columns].astype(object).where(frame[table.columns].notna(), None)
                values = [
                    tuple(int(v) if isinstance(v, bool) else v for v in row)
                    for row in rows.itertuples(index=False, name=None)
                ]
                marks = ", ".join("?" for _ in table.fields)
                connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)
            connection.commit()
        finally:
            connection.close()
        return path.read_bytes()
