"""Importer of PAPI's published sub-dimension scores (yearly files of the ml-mcdm research copy).

The yearly files have one row per province code (P01…) and one column per sub-dimension code
(SC11…SC83); the codebook names them. The codebook's labels are right only from 2018: before the
2018 redesign, SC21–SC23 were Poverty Lists, Communal Budgets and Land-Use Plan/Pricing, and
SC31–SC33 were Interactions With Local Authorities, People's Inspection Boards and Community
Investment Supervision Boards (PAPI reports 2011–2017). Dimension and overall scores are not in
these files: the cleaning step derives them (sums) and marks them computed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .source_rows import write_source_rows

SOURCE_URL = (
    "https://github.com/hnks-gh/ml-mcdm/blob/d165721ef5b79e96a1f9daa013612eef57d31734/data/csv/{year}.csv"
)
YEARS = range(2011, 2025)
REDESIGN_YEAR = 2018
LABELS_BEFORE_REDESIGN = {
    "SC21": "Poverty Lists",
    "SC22": "Communal Budgets",
    "SC23": "Land-Use Plan/Pricing",
    "SC31": "Interactions With Local Authorities",
    "SC32": "People's Inspection Boards",
    "SC33": "Community Investment Supervision Boards",
}


def _codebook(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["Variable_Code"]: row["Variable_Name"] for row in csv.DictReader(f)}


def read_year(directory: Path, year: int) -> list[dict[str, object]]:
    """Source rows of one year's file: one per published (province, sub-dimension) score."""
    provinces = _codebook(directory / "codebook_provinces.csv")
    labels = _codebook(directory / "codebook_subcriteria.csv")
    if year < REDESIGN_YEAR:
        labels = {**labels, **LABELS_BEFORE_REDESIGN}
    rows = []
    with (directory / f"{year}.csv").open(encoding="utf-8") as f:
        for record in csv.DictReader(f):
            province = provinces[record.pop("Province")]
            for code, value in record.items():
                if value.strip():
                    rows.append(
                        {
                            "year": year,
                            "province": province,
                            "indicator": labels[code],
                            "score": value.strip(),
                            "source_url": SOURCE_URL.format(year=year),
                            "note": f"column {code}",
                        }
                    )
    return rows


def import_directory(directory: Path, raw_dir: Path) -> dict[int, int]:
    """Write ``raw_dir/papi/papi_subdimensions_<year>.csv`` for every year. Returns rows per year."""
    return {
        year: write_source_rows(
            raw_dir / "papi" / f"papi_subdimensions_{year}.csv", read_year(directory, year)
        )
        for year in YEARS
    }
