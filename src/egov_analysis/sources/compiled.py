"""Importer of compiled source tables (one row per value per source) into the project's raw files.

Reads the compilations of published figures kept in `../shared/reference/` — PCI 2017–2024 from
VCCI's site, provincial governments and the press (with the second sources that disagree), the
PAR Index, SIPAS, the ICT Index, the DTI and the 2017 e-government ranking — and writes them in the
project's source-row format. What changes on the way:

- a rank that no source prints (read from list order or worked out from "up N places") goes to
  the ``rank`` column with ``rank_basis = computed`` and the reason in ``note``;
- a rank or tier whose own source differs from the score's becomes its own row with that source;
- a disagreeing second source becomes its own row, so raw keeps both values;
- rows that carry no value at all (e.g. "no 2021 ICT Index was conducted") are left out;
- a rank that is only a position in a third party's table sorted by score ("rank = position in
  the score-sorted file … not a rank column") is ``computed``, except where that table's
  positions were checked against the publisher's ranks (DTI 2022);
- a move the source prints with a value ("up 1.03 points") is written to ``score_change``
  (:data:`PUBLISHED_MOVES`), so that the cleaning can test the previous year's values against it.
- an indicator ending in ``_34_merged_units`` is a value for the 34 units of 2025: the suffix
  goes, ``geography = units_34`` comes;
- a row citing a source that clean refuses (a bare IP address, a host of
  ``meta/refused_hosts.csv``) is left out with a warning naming it.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd

from .source_rows import left_out_file, split_citable, write_left_out, write_rows, write_source_rows

# the compiled tables mark values for the 34 units of 2025 by this suffix on the indicator; the
# raw rows carry it in their own ``geography`` column instead
MERGED_UNITS_SUFFIX = "_34_merged_units"


class LeftOutRowWarning(UserWarning):
    """A source row the importer did not write (its source is refused), named with its reason."""


def _with_geography(row: dict[str, object]) -> dict[str, object]:
    indicator = str(row["indicator"])
    if indicator.endswith(MERGED_UNITS_SUFFIX):
        return {**row, "indicator": indicator.removesuffix(MERGED_UNITS_SUFFIX), "geography": "units_34"}
    return row


def _citable(
    relative: str, rows: list[dict[str, object]], lost: list[tuple[str, dict[str, object], str]] | None = None
) -> list[dict[str, object]]:
    """The rows clean accepts; each row left out (a bare IP address, a refused host) is named,
    and added to ``lost`` (for ``errata/left_out_compiled.csv``)."""
    kept, refused = split_citable(rows)
    if lost is not None:
        lost += [(relative, row, why) for row, why in refused]
    for row, why in refused:
        warnings.warn(
            f"{relative}: left out {row['year']} {row['province']} {row['indicator']}: {why}",
            LeftOutRowWarning,
            stacklevel=3,
        )
    return kept


# reference file → (index, raw file name)
COMPILED_TABLES: dict[str, tuple[str, str]] = {
    "par_ict_dti/par_index.csv": ("par", "par_index_compiled.csv"),
    "par_ict_dti/more_par_index.csv": ("par", "par_index_further_values.csv"),
    "par_ict_dti/sipas.csv": ("sipas", "sipas_compiled.csv"),
    "par_ict_dti/more_sipas.csv": ("sipas", "sipas_further_values.csv"),
    "par_ict_dti/ict_index.csv": ("ict", "ict_index_compiled.csv"),
    "par_ict_dti/dti.csv": ("dti", "dti_compiled.csv"),
    "par_ict_dti/more_dti.csv": ("dti", "dti_further_values.csv"),
    "par_ict_dti/egov_mic_2017.csv": ("egov_mic", "egov_mic_2017.csv"),
}

# Positions in a third party's score-sorted copy of dti.gov.vn that match the published ranks
# ("2022 ranks match dti.gov.vn exactly", SOURCES.md); other years' positions are computed.
POSITION_RANKS_CHECKED = {("dti", "2022")}
_POSITION_RANK = "rank = position in"

# Moves printed with a value: (index, year, province as printed, indicator, source_url) → the
# change ("+1.03" against the previous year, "+0.2511 since 2020" against an earlier edition)
# and the words that state it. Only moves whose earlier value is in the data matter.
_VIETNAMNET_DTI_2022 = (
    "https://vietnamnet.vn/quang-ninh-vao-top-3-dia-phuong-dan-dau-ve-chi-so-chuyen-doi-so-2165207.html"
)
PUBLISHED_MOVES: dict[tuple[str, str, str, str, str], tuple[str, str]] = {
    (
        "par",
        "2019",
        "Quang Ninh",
        "overall",
        "https://vietnamnet.vn/en/politics/quang-ninh-leads-in-par-index-for-third-consecutive-year-646596.html",
    ): ("+1.03", '"with 90.09 points, up 1.03 points"'),
    (
        "par",
        "2024",
        "Hải Phòng",
        "overall",
        "https://baomoi.net.vn/hai-tinh-nao-co-chi-so-cai-cach-hanh-chinh-cao-nhat-c51908021.epi",
    ): ("+4.30", '"tăng 4,30%"'),
    (
        "par",
        "2023",
        "Hai Phong",
        "overall",
        "https://en.doanhnghiephoinhap.vn/hai-phong-ranks-2nd-out-of-63-provinces-and-cities-in-the-par-"
        "index-with-91-81.html",
    ): ("+1.72", 'the outlet\'s own "+1.72" (SOURCES.md: 91.81 is consistent with it)'),
    ("dti", "2022", "Quảng Ninh", "overall", _VIETNAMNET_DTI_2022): (
        "+0.2052",
        '"tăng 0,2052 điểm so với năm 2021"',
    ),
    ("dti", "2022", "Quảng Ninh", "chinh_quyen_so", _VIETNAMNET_DTI_2022): (
        "+0.2511 since 2020",
        '"tăng 0,2511 so với 2020"',
    ),
    ("dti", "2022", "Quảng Ninh", "kinh_te_so", _VIETNAMNET_DTI_2022): (
        "+0.4159 since 2020",
        '"0,4159 so với 2020"',
    ),
    ("dti", "2022", "Quảng Ninh", "xa_hoi_so", _VIETNAMNET_DTI_2022): (
        "+0.2909 since 2020",
        '"0,2909 so với 2020"',
    ),
}

# PCI 2005–2016 come from VCCI's workbooks (see vcci_pci); these take the later years.
PCI_FROM_YEAR = 2017


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


_LIST_ORDER = re.compile(r"list order(?:\s*[:(\"“=]|\s+\d)", re.IGNORECASE)
_READ_AS = re.compile(r"=>\s*(?:rank\s*)?(\d+)")
# words that state first place for the unit they name: the number 1 printed in words
_FIRST_PLACE = re.compile(r"\btopped\b|\branked first\b|\bfirst place\b|đứng đầu|xếp thứ nhất|首位", re.I)


def rank_read_from_words(note: str, rank: str) -> bool:
    """Whether the note says the row's rank was read, not printed: from a list's order ("list
    order: … => 5") or from words that need another fact to become a number ("the lowest … => 63"
    needs the count ranked). A rank is published only where a source prints that number for that
    unit; "topped" / "đứng đầu" said of the unit prints first place (PAR 2013 Đà Nẵng "topped …
    => rank 1" is published: the rule used to read it as list order, which it is not), unless the
    note says the place came from a list's order."""
    if int(float(rank)) == 1 and _FIRST_PLACE.search(note) and "order" not in note.lower():
        return False
    if any(int(m.group(1)) == int(float(rank)) for m in _READ_AS.finditer(note)):
        return True  # "… (lowest) => 63": derived, whatever else the note says
    if "here it is printed" in note:  # the compiler's remark: another table had it from list order
        return False
    return bool(_LIST_ORDER.search(note))  # "list order: …", "list order 4"


def _rank_rows(table: pd.DataFrame, index: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for rec in table.to_dict("records"):
        score, rank, note = _text(rec.get("score")), _text(rec.get("rank")), _text(rec.get("note"))
        url = rec["source_url"]  # a known copy cites its original when written (cite_originals)
        rank_basis = "published" if rank else ""
        if rank and _POSITION_RANK in note and (index, str(rec["year"])) not in POSITION_RANKS_CHECKED:
            rank_basis = "computed"
        computed = _text(rec.get("rank_computed"))
        if not rank and computed:
            rank, rank_basis = computed, "computed"
            note = f"rank computed, not printed: {note}" if note else "rank computed, not printed"
        elif rank and (note.lower().startswith("rank derived") or rank_read_from_words(note, rank)):
            rank_basis = "computed"
        if not score and not rank:
            continue
        row = {
            "year": rec["year"],
            "province": rec["province"],
            "indicator": rec["indicator"],
            "score": score,
            "rank": rank,
            "rank_basis": rank_basis,
            "source_url": url,
            "note": note,
        }
        move = (
            PUBLISHED_MOVES.get((index, str(rec["year"]), rec["province"], rec["indicator"], url))
            if score
            else None
        )
        if move:
            row.update(score_change=move[0], note=f"{note}; move printed: {move[1]}" if note else move[1])
        rows.append(row)
    return rows


def import_compiled_tables(reference: Path, raw_dir: Path) -> dict[str, int]:
    """Write ``raw_dir/<index>/<name>.csv`` for every compiled table. Returns rows per file."""
    written = {}
    lost: list[tuple[str, dict[str, object], str]] = []
    for relative, (index, name) in COMPILED_TABLES.items():
        table = pd.read_csv(reference / relative, dtype=str, keep_default_na=False, na_values=[""])
        rows = _citable(relative, [_with_geography(r) for r in _rank_rows(table, index)], lost)
        written[f"{index}/{name}"] = write_source_rows(raw_dir / index / name, rows)
    written[left_out_file("compiled")] = write_left_out(raw_dir, "compiled", lost)
    return written


def _pci_score_rows(scores: pd.DataFrame) -> list[dict[str, object]]:
    rows = []
    for rec in scores.to_dict("records"):
        base = {"year": rec["year"], "province": rec["province"], "indicator": "overall"}
        score, rank, tier = _text(rec["score"]), _text(rec["rank"]), _text(rec["tier"])
        rank_url = _text(rec["rank_source_url"]) or rec["source_url"]
        tier_url = _text(rec["tier_source_url"]) or rec["source_url"]
        main = {**base, "score": score, "source_url": rec["source_url"], "note": _text(rec["notes"])}
        if rank and rank_url == rec["source_url"]:
            main.update(rank=rank, rank_basis="published")
        if tier and tier_url == rec["source_url"]:
            main["tier"] = tier
        if score or "rank" in main:
            rows.append(main)
        if rank and rank_url != rec["source_url"]:
            rows.append({**base, "rank": rank, "rank_basis": "published", "source_url": rank_url})
        if tier and tier_url != rec["source_url"]:
            rows.append({**base, "tier": tier, "source_url": tier_url})
    return rows


# The old VCCI site prints impossible ranks for 2007 (65 of 64 units): a known source error,
# not imported (the workbook's rank is kept; see ../shared/reference/SOURCES.md).
MAX_UNITS_RANKED = 64


def _pci_conflict_rows(conflicts: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    rows = []
    for c in conflicts["score_rank_conflicts"]:
        value = _text(c["other"])
        if c["field"] == "rank" and int(value) > MAX_UNITS_RANKED:
            continue
        row = {
            "year": c["year"],
            "province": c["province"],
            "indicator": "overall",
            "source_url": c["other_url"],
            "note": f"second source; the publisher's value is {c['primary']} ({c['primary_url']})",
        }
        row.update({"score": value} if c["field"] == "score" else {"rank": value, "rank_basis": "published"})
        rows.append(row)
    return rows


# The reference's English sub-index labels → the workbook's sub-index (as the VCCI importer names it)
SUBINDEX_OF_LABEL = {
    "Business Support Services": "business_support_services",
    "Entry Costs": "entry_costs",
    "Informal Charges": "informal_charges",
    "Labor Training": "labor_training",
    "Land Access and Security of Tenure": "land_access",
    "Legal Institutions": "legal_institutions",
    "Private Sector Development Policies": "private_sector_development",
    "Proactivity of Provincial Leadership": "proactivity",
    "Time Costs of Regulatory Compliance": "time_costs",
    "Transparency and Access to Information": "transparency",
}


def _pci_subindex_conflict_rows(conflicts: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    """Official province pages that print another sub-index value than the workbook (known
    source errors, e.g. another province's 2009 "Business Support" value): kept as second sources."""
    rows = []
    for c in conflicts["subindex_disagreements"]:
        label = str(c["subindex"])
        if label not in SUBINDEX_OF_LABEL:
            raise ValueError(
                f"pci_source_conflicts.json: sub-index {label!r} ({c['year']} {c['province']}) is not "
                "in SUBINDEX_OF_LABEL of egov_analysis.sources.compiled"
            )
        rows.append(
            {
                "year": c["year"],
                "province": c["province"],
                "indicator": SUBINDEX_OF_LABEL[label],
                "score": _text(c["other"]),
                "source_url": c["other_url"],
                "note": f"second source, printed under the label {c['other_label']!r}; the "
                f"publisher's file gives {c['primary']} ({c['primary_url']})",
            }
        )
    return rows


KNOWN_ERRORS_FILE = "errata/known_source_errors.csv"
KNOWN_ERROR_COLUMNS = ("index", "year", "province", "indicator", "field", "value", "source_url", "reason")


def _pci_known_error_rows(conflicts: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    """Values a source prints that cannot be true (a rank beyond the units ranked): never a
    candidate value, but listed in index_conflicts beside the value kept."""
    return [
        {
            "index": "pci",
            "year": c["year"],
            "province": c["province"],
            "indicator": "overall",
            "field": c["field"],
            "value": _text(c["other"]),
            "source_url": c["other_url"],
            "reason": f"impossible rank: {c['other']} of {MAX_UNITS_RANKED} units ranked (the old VCCI site)",
        }
        for c in conflicts["score_rank_conflicts"]
        if c["field"] == "rank" and int(_text(c["other"])) > MAX_UNITS_RANKED
    ]


def import_pci_compiled(reference: Path, raw_dir: Path) -> dict[str, int]:
    """PCI from 2017 (scores, ranks, tiers, sub-indices) and the second sources that disagree."""
    scores = pd.read_csv(reference / "pci" / "pci_scores.csv", dtype=str)
    scores = scores[scores["year"].astype(int) >= PCI_FROM_YEAR]
    subs = pd.read_csv(reference / "pci" / "pci_subindices.csv", dtype=str)
    subs = subs[subs["year"].astype(int) >= PCI_FROM_YEAR]
    sub_rows = [
        {
            "year": r["year"],
            "province": r["province"],
            "indicator": r["subindex_src"],
            "score": r["score"],
            "source_url": r["source_url"],
        }
        for r in subs.to_dict("records")
    ]
    conflicts = json.loads((reference / "pci" / "pci_source_conflicts.json").read_text("utf-8"))
    pci = raw_dir / "pci"
    lost: list[tuple[str, dict[str, object], str]] = []
    second = _citable(
        "pci/pci_source_conflicts.json",
        _pci_conflict_rows(conflicts) + _pci_subindex_conflict_rows(conflicts),
        lost,
    )
    return {
        left_out_file("compiled_pci"): write_left_out(raw_dir, "compiled_pci", lost),
        "pci/pci_2017_2024_overall.csv": write_source_rows(
            pci / "pci_2017_2024_overall.csv", _pci_score_rows(scores)
        ),
        "pci/pci_2017_2024_subindices.csv": write_source_rows(pci / "pci_2017_2024_subindices.csv", sub_rows),
        "pci/pci_second_sources.csv": write_source_rows(pci / "pci_second_sources.csv", second),
        KNOWN_ERRORS_FILE: write_rows(
            raw_dir / KNOWN_ERRORS_FILE, KNOWN_ERROR_COLUMNS, _pci_known_error_rows(conflicts)
        ),
    }
