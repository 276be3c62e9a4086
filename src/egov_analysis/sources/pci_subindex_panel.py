"""Importer of the PCI sub-index panel 2012–2021 of a research replication file into raw source rows.

The file (``pci/pci_subindices_2012_2021_panel.csv`` of ``../shared/reference``, from an Excel
panel in a public GitHub repository pinned to its commit) holds VCCI's published PCI overall score
and ten sub-indices of all 63 provinces for 2012–2021 (2012: nine sub-indices), unrounded, with
**no ranks**. It is a third party's compilation of VCCI's published values, not VCCI's file: it
names its columns ``PCI1`` … ``PCI10`` and the sub-index each stands for was inferred from the
column order by the compiler (``column_label``: ``PCI4 = Time Costs``).

So the importer checks that inference before writing anything. Every column label must be mapped
to one indicator by ``meta/indicator_labels.csv`` (an unmapped label stops the import), and each
column is held against the values VCCI already gives for the same provinces and years — VCCI's
workbooks (2012–2016, ``data/raw/pci/vcci_workbook_*.csv``) and pcivietnam.vn's tables (2017–2021,
rows citing pcivietnam.vn in ``data/raw/pci/``): a column with no such value to be checked against,
or one whose values in some year mostly disagree with the indicator it is mapped to (at VCCI's
printed precision), stops the import. Single disagreements do not: the rows are written as they
are, and ``clean`` keeps VCCI's value (a higher source class) and lists each one in
``index_conflicts``. VCCI revised the PCI in 2017 (``meta/series_breaks.csv``): 2012–2016 and
2017–2021 stay two series under the same indicator ids.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..meta import indicators
from ..provinces import nfc, resolve
from .source_rows import read_records, write_source_rows

REFERENCE_FILE = "pci/pci_subindices_2012_2021_panel.csv"
RAW_FILE = "pci/pci_subindices_2012_2021_panel.csv"
COLUMNS = ("year", "province", "column_label", "score", "source_url", "note")
YEARS = range(2012, 2022)
VCCI_FILES = "pci/vcci_workbook_*.csv"  # VCCI's own workbooks, as the vcci-pci importer wrote them
VCCI_SITE = re.compile(r"^https?://(www\.)?pcivietnam\.(vn|org)/", re.IGNORECASE)
_PLACE = re.compile(
    r"column (?P<column>\S+) of sheet (?P<sheet>\S+) \(row ID (?P<row>\d+)\); std name (?P<std>[^;]+)"
)


class SubindexPanelError(ValueError):
    """The panel cannot be imported: a format problem, or a column map that VCCI's values refute."""


@dataclass(frozen=True)
class ColumnCheck:
    """One column held against VCCI's values: pairs compared and pairs that agree, per year."""

    label: str
    indicator: str
    compared: dict[int, int]
    agreeing: dict[int, int]

    @property
    def differences(self) -> int:
        return sum(self.compared.values()) - sum(self.agreeing.values())

    def problem(self) -> str | None:
        if not self.compared:
            return "no value of VCCI's workbooks or pcivietnam.vn to check it against"
        bad = [y for y, n in sorted(self.compared.items()) if 2 * self.agreeing.get(y, 0) <= n]
        if bad:
            detail = ", ".join(f"{y}: {self.agreeing.get(y, 0)} of {self.compared[y]}" for y in bad)
            return f"its values disagree with VCCI's {self.indicator} (agreeing: {detail})"
        return None


def _decimals(text: str) -> int:
    return len(text.strip().partition(".")[2])


def _agree(a: str, b: str) -> bool:
    """Equal at the precision of the less precise of the two printed values."""
    places = min(_decimals(a), _decimals(b))
    return abs(float(a) - float(b)) <= 0.5 * 10.0 ** (-places) + 1e-9


def _label_map() -> dict[str, str]:
    pci = indicators().query("index == 'pci'")
    return dict(zip(pci["label"], pci["indicator"], strict=True))


def read_panel(path: Path, label: str = REFERENCE_FILE) -> list[dict[str, str]]:
    """The panel's rows as printed (``column_label`` kept), checked for format.

    Raises :class:`SubindexPanelError` naming the file, line, column and value: a missing
    column, a year outside 2012–2021, a province the registry does not know, a score that is not
    a number, a column label ``meta/indicator_labels.csv`` does not map, a value given twice.
    """
    labels = _label_map()
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in read_records(path, label, COLUMNS, SubindexPanelError):
        row = {c: nfc((record[c] or "").strip()) for c in COLUMNS}
        year, column, score = row["year"], row["column_label"], row["score"]
        if not year.isdigit() or int(year) not in YEARS:
            raise SubindexPanelError(f"{label}:{line}: column year: {year!r} is not a year 2012–2021")
        if column not in labels:
            raise SubindexPanelError(
                f"{label}:{line}: column column_label: {column!r} is not mapped to a PCI indicator; "
                "add the label to src/egov_analysis/meta/indicator_labels.csv once its values "
                "are checked against VCCI's"
            )
        if not re.fullmatch(r"\d+(\.\d+)?", score):
            raise SubindexPanelError(f"{label}:{line}: column score: {score!r} is not a number")
        try:
            row["province"] = resolve(row["province"]).name
        except ValueError as err:
            raise SubindexPanelError(f"{label}:{line}: column province: {err}") from None
        key = (year, row["province"], column)
        if key in seen:
            raise SubindexPanelError(
                f"{label}:{line}: {row['province']} {year} {column} is given twice "
                f"(first at line {seen[key]})"
            )
        seen[key] = line
        rows.append(row)
    return rows


def vcci_values(raw_dir: Path) -> dict[tuple[int, str, str], str]:
    """VCCI's own PCI values already in ``raw_dir``: (year, province, indicator) → score as
    printed, from VCCI's workbooks and from pcivietnam.vn's pages (the workbook first)."""
    labels = _label_map()
    files = sorted(raw_dir.glob(VCCI_FILES)) + sorted(
        p for p in (raw_dir / "pci").glob("*.csv") if p.name != Path(RAW_FILE).name
    )
    values: dict[tuple[int, str, str], str] = {}
    for path in files:
        workbook = path.match(VCCI_FILES)
        with path.open(encoding="utf-8-sig", newline="") as f:
            for record in csv.DictReader(f):
                url, score = record.get("source_url", ""), (record.get("score") or "").strip()
                if not score or not (workbook or VCCI_SITE.match(url)):
                    continue
                indicator = labels.get(nfc(record["indicator"]))
                if indicator is None or not record["year"].isdigit():
                    continue
                try:
                    province = resolve(record["province"]).name
                except ValueError:
                    continue
                values.setdefault((int(record["year"]), province, indicator), score.replace(",", "."))
    return values


def check_columns(rows: Iterable[dict[str, str]], vcci: dict[tuple[int, str, str], str]) -> list[ColumnCheck]:
    """Each column of the panel held against VCCI's values for the same province and year."""
    labels = _label_map()
    compared: dict[str, dict[int, int]] = {}
    agreeing: dict[str, dict[int, int]] = {}
    for row in rows:
        column, year = row["column_label"], int(row["year"])
        compared.setdefault(column, {})
        agreeing.setdefault(column, {})
        published = vcci.get((year, row["province"], labels[column]))
        if published is None:
            continue
        compared[column][year] = compared[column].get(year, 0) + 1
        if _agree(row["score"], published):
            agreeing[column][year] = agreeing[column].get(year, 0) + 1
    return [ColumnCheck(c, labels[c], compared[c], agreeing[c]) for c in compared]


def source_rows(rows: list[dict[str, str]], checks: list[ColumnCheck]) -> list[dict[str, object]]:
    """The raw source rows: the column label as printed, the file's place and spelling in ``note``."""
    by_label = {c.label: c for c in checks}
    out: list[dict[str, object]] = []
    for row in rows:
        place = _PLACE.search(row["note"])
        where = (
            f"column {place['column']} of sheet {place['sheet']} (row ID {place['row']}), "
            f"spelt {place['std'].strip()!r} in the file"
            if place
            else "place in the file not recorded"
        )
        check = by_label[row["column_label"]]
        out.append(
            {
                "year": int(row["year"]),
                "province": row["province"],
                "indicator": row["column_label"],
                "score": row["score"],
                "source_url": row["source_url"],
                "note": f"third-party compilation of VCCI's published scores: {where}; value as stored "
                f"(unrounded); no rank in the file; column mapped to {check.indicator} and checked "
                f"against {sum(check.compared.values())} values of VCCI ({check.differences} differ)",
            }
        )
    return out


def import_panel(reference: Path, raw_dir: Path) -> dict[str, int]:
    """Check the panel's column map against VCCI's values in ``raw_dir`` and write
    ``raw_dir/pci/pci_subindices_2012_2021_panel.csv``; returns the rows written per file.

    Raises :class:`SubindexPanelError` (nothing written) for a format problem, an unmapped column
    or a column VCCI's values refute, naming each."""
    rows = read_panel(reference / REFERENCE_FILE)
    checks = check_columns(rows, vcci_values(raw_dir))
    problems = [f"{c.label!r}: {why}" for c in checks if (why := c.problem())]
    if problems:
        raise SubindexPanelError(
            f"{REFERENCE_FILE}: the column map is not confirmed by VCCI's values, nothing written:\n  "
            + "\n  ".join(problems)
        )
    return {RAW_FILE: write_source_rows(raw_dir / RAW_FILE, source_rows(rows, checks))}
