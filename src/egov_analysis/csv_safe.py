"""CSV files that a spreadsheet opens safely: text cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are written with
a leading apostrophe, as OWASP advises against CSV injection. Plain numbers printed as text
("-0.5", "+1.03") are left alone: a spreadsheet reads them as numbers, not formulas.

Every CSV the project publishes is written by :func:`write_csv`: the processed tables
(``clean.run``), the data behind each figure (``plots.footer``) and the reports' own tables
(``analysis.phases.write_tables``, ``analysis.counterfactual.write_tables``). The raw files the
importers write (``data/raw/``) are inputs kept exactly as the sources print them, not downloads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?%?")


def neutralise_cell(value: object) -> object:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text columns have every formula-like cell neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            out[column] = series.map(neutralise_cell, na_action="ignore").astype(series.dtype)
    return out


def write_csv(frame: pd.DataFrame, path: Path, float_format: str | None = None) -> None:
    """Write ``frame`` as a UTF-8 CSV (no index, ``\\n`` line ends) with formulas neutralised;
    ``float_format`` as pandas takes it (``"%.6g"``)."""
    neutralise_formulas(frame).to_csv(path, index=False, lineterminator="\n", float_format=float_format)


def live_formulas(path: Path) -> list[str]:
    """Cells of the CSV at ``path`` that a spreadsheet would run as a formula, as
    ``<file>:<line>: <cell>`` (empty for a safe file): what the tests scan every CSV of a build for."""
    import csv

    found = []
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.reader(f), start=1):
            found += [f"{path}:{line}: {cell[:60]}" for cell in row if neutralise_cell(cell) != cell]
    return found
