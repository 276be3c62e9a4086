"""Importer of the PCI 2016–2022 panel of a research replication file into raw source rows.

The file (``pci/pci_2016_2022_panel.csv`` of ``../shared/reference``, from a Stata panel
``Dataset.dta`` in a public GitHub repository pinned to its commit) holds VCCI's published PCI
overall score of all 63 provinces for 2016–2022. It names provinces by its own short codes
(``HNOI``, ``QNINH``, ``ĐBIEN``…), gives the score rounded to VCCI's 2 decimals (``score``) and
as float32 (``score_float32``), and **no ranks**.

The short codes are read with this source's own name map, :data:`SHORT_CODES`: a code in the
file that the map does not know, or a code of the map that the file never uses, stops the
import (a new or renamed code must be looked at, never guessed). Each row is written with the
canonical province name and the code as printed in ``note``. Ranks are not written: where no
source publishes one, the cleaning computes it from the complete list of scores (ties at the
printed precision share a rank) and marks it ``computed``.
"""

from __future__ import annotations

from pathlib import Path

from ..provinces import nfc, resolve
from .source_rows import read_records, write_source_rows

REFERENCE_FILE = "pci/pci_2016_2022_panel.csv"
RAW_FILE = "pci/pci_2016_2022_panel.csv"
COLUMNS = ("year", "province", "province_std", "score", "score_float32", "source_url", "publisher", "note")

# The file's short codes → the province (canonical name; resolved again, so a typo here fails).
SHORT_CODES: dict[str, str] = {
    "AGIANG": "An Giang",
    "BDUONG": "Bình Dương",
    "BGIANG": "Bắc Giang",
    "BKAN": "Bắc Kạn",
    "BLIEU": "Bạc Liêu",
    "BNINH": "Bắc Ninh",
    "BPHUOC": "Bình Phước",
    "BRVT": "Bà Rịa - Vũng Tàu",
    "BTHUAN": "Bình Thuận",
    "BTRE": "Bến Tre",
    "BĐINH": "Bình Định",
    "CBANG": "Cao Bằng",
    "CMAU": "Cà Mau",
    "CTHO": "Cần Thơ",
    "GLAI": "Gia Lai",
    "HAUGIANG": "Hậu Giang",
    "HBINH": "Hòa Bình",
    "HCM": "Hồ Chí Minh",
    "HDUONG": "Hải Dương",
    "HGIANG": "Hà Giang",
    "HNAM": "Hà Nam",
    "HNOI": "Hà Nội",
    "HPHONG": "Hải Phòng",
    "HTINH": "Hà Tĩnh",
    "HYEN": "Hưng Yên",
    "KGIANG": "Kiên Giang",
    "KHOA": "Khánh Hòa",
    "KTUM": "Kon Tum",
    "LAN": "Long An",
    "LCAI": "Lào Cai",
    "LCHAU": "Lai Châu",
    "LSON": "Lạng Sơn",
    "LĐONG": "Lâm Đồng",
    "NAN": "Nghệ An",
    "NBINH": "Ninh Bình",
    "NTHUAN": "Ninh Thuận",
    "NĐINH": "Nam Định",
    "PTHO": "Phú Thọ",
    "PYEN": "Phú Yên",
    "QBINH": "Quảng Bình",
    "QNAM": "Quảng Nam",
    "QNGAI": "Quảng Ngãi",
    "QNINH": "Quảng Ninh",
    "QTRI": "Quảng Trị",
    "SLA": "Sơn La",
    "STRANG": "Sóc Trăng",
    "TBINH": "Thái Bình",
    "TGIANG": "Tiền Giang",
    "THOA": "Thanh Hóa",
    "TNGUYEN": "Thái Nguyên",
    "TNINH": "Tây Ninh",
    "TQUANG": "Tuyên Quang",
    "TTHUE": "Thừa Thiên Huế",
    "TVINH": "Trà Vinh",
    "VLONG": "Vĩnh Long",
    "VPHUC": "Vĩnh Phúc",
    "YBAI": "Yên Bái",
    "ĐBIEN": "Điện Biên",
    "ĐLAK": "Đắk Lắk",
    "ĐNAI": "Đồng Nai",
    "ĐNANG": "Đà Nẵng",
    "ĐNONG": "Đắk Nông",
    "ĐTHAP": "Đồng Tháp",
}


class PanelFormatError(ValueError):
    """The panel file is not in the expected format (columns, codes, years, scores)."""


def _name_map() -> dict[str, str]:
    """The short-code map with every name checked against the province registry."""
    names = {nfc(code): resolve(name).name for code, name in SHORT_CODES.items()}
    if len(set(names.values())) != len(names):
        raise PanelFormatError("the short-code map gives one province two codes")
    return names


def read_panel(path: Path, label: str = REFERENCE_FILE) -> list[dict[str, object]]:
    """Source rows of the panel file: one overall score per province and year, no rank.

    Raises :class:`PanelFormatError` naming the file, line, column and value for an unknown
    short code, a code the map has but the file never uses, a missing column, a year outside
    2016–2022, a score that is not a number with 2 decimals, or a province-year given twice.
    """
    codes = _name_map()
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    used: set[str] = set()
    for line, record in read_records(path, label, COLUMNS, PanelFormatError):
        code = nfc(record["province"].strip())
        if code not in codes:
            raise PanelFormatError(
                f"{label}:{line}: column province: unknown short code {code!r} "
                f"(province_std {record['province_std']!r}); add it to SHORT_CODES of "
                "egov_analysis.sources.pci_panel"
            )
        year, score = record["year"].strip(), record["score"].strip()
        if not year.isdigit() or not 2016 <= int(year) <= 2022:
            raise PanelFormatError(f"{label}:{line}: column year: {year!r} is not a year 2016–2022")
        whole, _, decimals = score.partition(".")
        if not (whole.isdigit() and decimals.isdigit() and len(decimals) == 2):
            raise PanelFormatError(
                f"{label}:{line}: column score: {score!r} is not a score with VCCI's 2 decimals"
            )
        key = (year, code)
        if key in seen:
            raise PanelFormatError(
                f"{label}:{line}: {code} {year} is given twice (first at line {seen[key]})"
            )
        seen[key] = line
        used.add(code)
        rows.append(
            {
                "year": int(year),
                "province": codes[code],
                "indicator": "overall",
                "score": score,
                "source_url": record["source_url"].strip(),
                "note": f"printed as short code {code}; float32 in the file "
                f"{record['score_float32'].strip()}; no rank in the file",
            }
        )
    unused = sorted(set(codes) - used)
    if unused:
        raise PanelFormatError(
            f"{label}: short code(s) {', '.join(unused)} of the name map never appear in the file "
            "(a renamed code?)"
        )
    return rows


def import_panel(reference: Path, raw_dir: Path) -> dict[str, int]:
    """Write ``raw_dir/pci/pci_2016_2022_panel.csv``; returns the rows written per file."""
    rows = read_panel(reference / REFERENCE_FILE)
    return {RAW_FILE: write_source_rows(raw_dir / RAW_FILE, rows)}
