"""Writing the project's raw "source-row" CSV files (the format is documented in data/raw/README.md)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..fields import SOURCE_ROW_OPTIONAL, SOURCE_ROW_REQUIRED
from ..provinces import nfc


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return nfc(str(value))


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
    """Write ``rows`` (only ``columns``, in that order) as a UTF-8 CSV with text in NFC and
    missing values as empty cells; returns the number of rows written."""
    rows = list(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
    return len(rows)


def write_source_rows(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    """Write ``rows`` as a source-row CSV at ``path``; returns the rows written.

    Only the optional columns that some row fills are written, so simple sources stay simple.
    """
    rows = list(rows)
    optional = [c for c in SOURCE_ROW_OPTIONAL if any(r.get(c) not in (None, "") for r in rows)]
    return write_rows(path, [*SOURCE_ROW_REQUIRED, *optional], rows)
