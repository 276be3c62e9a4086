"""Importer of VCCI's yearly PCI data workbooks (2005–2016) into the project's raw source rows.

The workbooks are the publisher's own format: multi-line Vietnamese headers, layouts that change
between years — a "wide" table (one province column, one column per sub-index: 2005–2007, 2009)
or a "paired" table (for every sub-index a province column sorted by it, then the score: 2008,
2010–2016) — province names with or without diacritics, and tier labels. One rule reads both
layouts: every value column belongs to the nearest province column on its left.

The meaning of a column comes from its header, matched against the patterns below on folded
(ASCII, lower-case) text; a numeric column whose header matches nothing is an error, so a new
layout is noticed rather than silently dropped.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from ..provinces import fold, resolve_codes
from .source_rows import write_source_rows

# The sheets that hold each year's summary table. 2013–2016 also have an English "Summary"
# sheet, but in 2014–2016 it is a stale copy of 2013's: only the Vietnamese sheet is read.
SUMMARY_SHEETS: dict[int, tuple[str, ...]] = {
    2005: ("Xếp hạng theo chỉ số PCI", "Bảng tóm tắt chỉ số"),
    2006: ("PCI Tóm tắt",),
    2007: ("Tóm tắt các chỉ số PCI ",),
    2008: ("Tổng hợp",),
    2009: ("Tong Hop",),
    2010: ("Tong hop",),
    2011: ("Tong hop",),
    2012: ("Tong hop",),
    2013: ("Summary_VN",),
    2014: ("Summary_VN",),
    2015: ("Summary_VN",),
    2016: ("Summary_VN",),
}

# Where the workbooks were published (a public mirror of VCCI's files; CC0 research package).
DEFAULT_SOURCE_URL = (
    "https://github.com/mdtrinh/vietnamdata/blob/be581b8d5b1f0c6a747199fe23d8a77e55396e17/"
    "data-raw/PCI/PCI_{year}.{ext}"
)

# (role, pattern on the folded header). First match wins, so the order matters: "nhom xep hang"
# (tier) before "xep hang" (rank), "chua co trong so" (unweighted) before "co trong so", and the
# overall score last.
HEADER_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "skip",
        r"chua co trong so|dieu kien truyen thong|muc do phat trien|co so ha tang|khoang cach"
        r"|\bvung\b",
    ),
    ("tier", r"nhom xep hang|\btier\b"),
    ("rank", r"xep hang|thu hang|ranking"),
    ("order", r"thu tu|ma pci|\bstt\b"),
    ("entry_costs", r"gia nhap"),
    ("land_access", r"dat dai"),
    ("transparency", r"minh bach"),
    ("time_costs", r"thoi gian"),
    ("informal_charges", r"khong chinh thuc"),
    ("central_policy_implementation", r"chinh sach cua trung uong|cs cua trung uong"),
    ("soe_bias", r"uu dai"),
    ("policy_bias", r"canh tranh binh dang"),
    ("proactivity", r"nang dong"),
    ("private_sector_development", r"phat trien khu vuc|phat trien kttn|csptkvkttn"),
    ("business_support_services", r"ho tro"),
    ("labor_training", r"dao tao lao dong"),
    ("legal_institutions", r"thiet che phap ly"),
    # last: sub-index headers of 2006 mention "PCI 2005" and "weighted" too
    ("overall", r"co trong so|pci 20\d\d|cuoi cung|weighted"),
)

# Labels that sit in a province column beside numbers without being a province: summary rows
# (MIN, MAX, averages) and header words repeated inside the table. Any other name that does not
# resolve stops the import: a province is never dropped silently.
_NOT_A_PROVINCE = re.compile(
    r"^(min|max|trung binh|trung vi|binh quan|average|median|mean|xep hang|thu tu|stt|tinh|"
    r"tinh/thanh pho|province)$"
)
_SHARE_NEEDED = 0.8  # a column is "province" / "numeric" when this share of its cells are


class WorkbookLayoutError(ValueError):
    """The workbook does not look like any known VCCI layout."""


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    role: str | None


def header_role(header: str) -> str | None:
    """The meaning of a column header (``None`` when no pattern matches)."""
    text = re.sub(r"\s+", " ", fold(header).lower())
    for role, pattern in HEADER_PATTERNS:
        if re.search(pattern, text):
            return role
    return None


def _is_province_column(values: pd.Series) -> bool:
    text = values.dropna()
    text = text[text.map(lambda v: isinstance(v, str))]
    if len(text) < 3:
        return False
    codes = resolve_codes(text.astype("string"), errors="coerce")
    return codes.notna().mean() >= _SHARE_NEEDED and len(text) >= _SHARE_NEEDED * values.notna().sum()


def _numeric(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _is_numeric_column(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) >= 3 and _numeric(present).notna().mean() >= _SHARE_NEEDED


def _format_number(value: float) -> str:
    # The workbook's stored double, written back exactly (shortest repr that round-trips).
    return repr(float(value))


def _cell_name(row: int, column: int) -> str:
    """The spreadsheet name of a 0-based cell position ("B7")."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def read_summary_sheet(
    grid: pd.DataFrame, year: int, source_url: str, sheet: str = "?"
) -> list[dict[str, object]]:
    """Source rows from one summary sheet read with ``header=None``.

    Raises :class:`WorkbookLayoutError` for a layout it does not know, and for a name beside a
    value that is not a province (a respelled province): the message names the sheet, the cell
    and the value, so no row is ever dropped silently.
    """
    grid = grid.dropna(how="all").dropna(axis=1, how="all")
    sheet_rows, sheet_cols = list(grid.index), list(grid.columns)
    grid = grid.reset_index(drop=True)
    grid.columns = range(grid.shape[1])
    province_like = grid.apply(
        lambda row: (
            resolve_codes(row[row.map(lambda v: isinstance(v, str))].astype("string"), errors="coerce")
            .notna()
            .any()
        ),
        axis=1,
    )
    if not province_like.any():
        raise WorkbookLayoutError(f"PCI {year}: no row names a province")
    first = int(province_like.idxmax())
    header_rows, body = grid.iloc[:first], grid.iloc[first:]
    province_cols = [c for c in body.columns if _is_province_column(body[c])]
    if not province_cols:
        raise WorkbookLayoutError(f"PCI {year}: no province column found")

    columns = []
    for c in body.columns:
        header = " ".join(str(v) for v in header_rows[c].dropna() if str(v).strip())
        header = re.sub(r"\s+", " ", header).strip()
        columns.append(_Column(c, header, header_role(header) if header else None))

    order_col = next((col.index for col in columns if col.role == "order"), None)
    if order_col is None and _is_numeric_column(body[0]) and 0 not in province_cols:
        order_col = 0  # an unlabelled first column of 1, 2, 3… (2006)
    has_rank = any(col.role == "rank" for col in columns)

    rows: list[dict[str, object]] = []
    for col in columns:
        if col.index in province_cols or col.index == order_col or col.role == "skip":
            continue
        values = body[col.index]
        if col.role is None:
            if _is_numeric_column(values):
                raise WorkbookLayoutError(
                    f"PCI {year}: numeric column {col.index} has an unknown header {col.header!r}"
                )
            continue  # e.g. the English tier labels beside the Vietnamese ones (2015, 2016)
        name_col = _province_column_for(col, province_cols, year)
        names = body[name_col]
        known = resolve_codes(
            names.where(names.map(lambda v: isinstance(v, str))).astype("string"), errors="coerce"
        ).notna()
        numbers = _numeric(values)
        beside_value = names.notna() & (numbers.notna() if col.role != "tier" else values.notna())
        for r in body.index[~known & beside_value]:
            if not _NOT_A_PROVINCE.match(fold(str(names[r])).strip().lower()):
                cell = _cell_name(sheet_rows[r], sheet_cols[name_col])
                raise WorkbookLayoutError(
                    f"PCI {year}: sheet {sheet!r}, cell {cell}: {names[r]!r} is not a province "
                    f"(beside {col.header!r} = {values[r]!r}); add the spelling to "
                    "provinces/aliases.csv if it is one"
                )
        for r in body.index[known]:
            if pd.isna(values[r]) or (col.role != "tier" and pd.isna(numbers[r])):
                continue  # a blank cell, or a repeated header or footer inside the table
            row = {"year": year, "province": names[r].strip(), "source_url": source_url}
            if col.role == "rank":
                row.update(indicator="overall", rank=int(numbers[r]))
            elif col.role == "tier":
                row.update(indicator="overall", tier=str(values[r]).strip())
            else:
                row.update(
                    indicator=col.role,
                    score=_format_number(numbers[r]),
                    note=f"header as printed: {col.header}",
                )
                if col.role == "overall" and not has_rank and order_col is not None:
                    row.update(
                        rank=int(_numeric(body[order_col])[r]),
                        note=f"header as printed: {col.header}; rank = order number "
                        "(Thứ tự) of the workbook's table sorted by this column",
                    )
            rows.append(row)
    if not has_rank and order_col is not None:
        _check_sorted_by_overall(rows, year)
    return rows


def _province_column_for(col: _Column, province_cols: list[int], year: int) -> int:
    """The nearest province column on the left; in a wide table whose only province column comes
    after the rank (2009), the nearest on the right."""
    left = [p for p in province_cols if p < col.index]
    if left:
        return left[-1]
    if len(province_cols) == 1:
        return province_cols[0]
    raise WorkbookLayoutError(f"PCI {year}: column {col.header!r} has no province column")


def _check_sorted_by_overall(rows: list[dict[str, object]], year: int) -> None:
    overall = [r for r in rows if r["indicator"] == "overall" and "rank" in r]
    ordered = sorted(overall, key=lambda r: cast(float, r["rank"]))
    scores = [float(cast(float, r["score"])) for r in ordered]
    if scores != sorted(scores, reverse=True):
        raise WorkbookLayoutError(f"PCI {year}: order numbers are not a ranking of the PCI column")


def _merge(rows: list[dict[str, object]], year: int) -> list[dict[str, object]]:
    """One row per (province, indicator): a rank, tier or score read from two sheets is merged;
    two different values for one field are an error."""
    merged: dict[tuple[str, str], dict[str, object]] = {}
    codes = resolve_codes(pd.Series([r["province"] for r in rows], dtype="string"))
    for row, code in zip(rows, codes, strict=True):
        target = merged.setdefault((code, str(row["indicator"])), {})
        for field, value in row.items():
            if field == "note":
                notes = [str(n) for n in (target.get("note"), value) if n]
                target["note"] = "; ".join(dict.fromkeys(notes))
            elif field not in target:
                target[field] = value
            elif field == "province":
                continue  # one province printed two ways in two sheets: keep the first
            elif target[field] != value and not (
                field == "score" and abs(float(cast(float, target[field])) - float(cast(float, value))) < 1e-9
            ):
                raise WorkbookLayoutError(
                    f"PCI {year}: {row['province']} {row['indicator']} has two values for "
                    f"{field}: {target[field]!r} and {value!r}"
                )
    return list(merged.values())


def workbook_path(directory: Path, year: int) -> Path:
    for ext in ("xls", "xlsx"):
        path = directory / f"PCI_{year}.{ext}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no PCI_{year}.xls or PCI_{year}.xlsx in {directory}")


def read_workbook(path: Path, year: int, source_url: str | None = None) -> list[dict[str, object]]:
    """All source rows of one year's workbook (overall score, rank, tier and every sub-index)."""
    if year not in SUMMARY_SHEETS:
        raise WorkbookLayoutError(f"no known layout for PCI {year} (known: 2005–2016)")
    url = source_url or DEFAULT_SOURCE_URL.format(year=year, ext=path.suffix.lstrip("."))
    rows: list[dict[str, object]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on workbook styles
        for sheet in SUMMARY_SHEETS[year]:
            grid = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
            rows.extend(read_summary_sheet(grid, year, url, sheet))
    return sorted(
        _merge(rows, year),
        key=lambda r: (r["indicator"] != "overall", str(r["indicator"]), str(r["province"])),
    )


def import_directory(
    directory: Path, raw_dir: Path, years: list[int] | None = None, progress: bool = True
) -> dict[int, int]:
    """Import every year's workbook in ``directory`` into ``raw_dir/pci/vcci_workbook_<year>.csv``.

    Returns the number of rows written per year.
    """
    from tqdm.auto import tqdm

    years = years or sorted(SUMMARY_SHEETS)
    written = {}
    for year in tqdm(years, desc="VCCI workbooks", unit="year", disable=not progress):
        rows = read_workbook(workbook_path(directory, year), year)
        written[year] = write_source_rows(raw_dir / "pci" / f"vcci_workbook_{year}.csv", rows)
    return written
