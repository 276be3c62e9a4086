"""Writing the project's raw "source-row" CSV files (the format is documented in data/raw/README.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..fields import SOURCE_ROW_OPTIONAL, SOURCE_ROW_REQUIRED
from ..provinces import nfc


def write_source_rows(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    """Write ``rows`` as a UTF-8 (NFC) source-row CSV at ``path``; returns the rows written.

    Only the optional columns that some row fills are written, so simple sources stay simple.
    """
    rows = list(rows)
    optional = [c for c in SOURCE_ROW_OPTIONAL if any(r.get(c) not in (None, "") for r in rows)]
    header = [*SOURCE_ROW_REQUIRED, *optional]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="raise", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else nfc(str(row[c])) for c in header})
    return len(rows)
