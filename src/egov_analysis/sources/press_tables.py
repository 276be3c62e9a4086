"""Importer of two small tables of published values into raw source rows:

- ``pci/pci_2024_sggp.csv``: PCI 2024's top 10 with scores from one news article (SGGP). Only
  Hải Phòng's 1st and Hồ Chí Minh's 29th place are printed ranks; the others are in list order,
  given in ``note`` ("list order 6"). A rank read from list order is written as ``computed``,
  and two provinces with the same printed (2-decimal) score share the better rank: VCCI ranks
  unrounded scores, so the article's order of a 2-decimal tie is not a rank.
- ``papi/papi_crosscheck.csv``: overall and dimension scores of PAPI printed by the press and
  the government's portal (checked there against the publisher's files). The printed values are
  kept as they are, typos included ("48.881" for 48.811): the cleaning lists every one that
  disagrees with the sums of the publisher's files. The few sub-dimension items are not imported
  (their labels are the article's, not the codebook's).
- ``quang_ninh/quang_ninh_facts.csv``, the DTI 2020 rows of Quảng Ninh printed by a government
  site (uongbi.gov.vn): overall score and rank, and the three pillars with their ranks ("Chính
  quyền số: 0,4513 (xếp hạng 5/63)"), so that these values have a government source beside the
  hub's third-party preview.
- ``par_ict_dti/hub_previews.csv``: the first rows of four third-party provincial panels
  published as datasets on a dataset hub (PAR Index 2012 ranks 1–19 with its two component
  scores, DTI 2020 ranks 1–9 with the three pillars and their ranks, SIPAS 2017 ranks 1–12, the
  ICT Index 2006 — its first edition — ranks 1–10 with five sub-indices). Their ranks are
  columns of the compiler's table and are kept as that source's; the source class of the hub
  (a third-party compilation) puts them below a publisher's, a government's or the press's value
  when they disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from .source_rows import (
    Row,
    left_out_file,
    read_records,
    split_citable,
    write_left_out,
    write_rows,
    write_source_rows,
)

KNOWN_ERROR_COLUMNS = ("index", "year", "province", "indicator", "field", "value", "source_url", "reason")

SGGP_FILE = "pci/pci_2024_sggp.csv"
HUB_FILE = "par_ict_dti/hub_previews.csv"
HUB_RAW_NAMES = {
    ("par", "2012"): "par/par_2012_hub_preview.csv",
    ("dti", "2020"): "dti/dti_2020_hub_preview.csv",
    ("sipas", "2017"): "sipas/sipas_2017_hub_preview.csv",
    ("ict", "2006"): "ict/ict_2006_hub_preview.csv",
}
_LIST_ORDER = re.compile(r"list order (\d+)")


class PressTableError(ValueError):
    """A row of a press or hub table that the importer cannot read."""


def _records(path: Path, label: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    return [
        (line, {k: (v or "").strip() for k, v in r.items()})
        for line, r in read_records(path, label, columns, PressTableError)
    ]


def read_sggp(path: Path, label: str = SGGP_FILE) -> list[dict[str, object]]:
    """Source rows of the SGGP PCI 2024 table (see the module docstring for ranks)."""
    records = _records(path, label, ("year", "province", "score", "rank", "source_url", "note"))
    order_of: dict[int, int] = {}  # line → list order
    for line, r in records:
        match = _LIST_ORDER.search(r["note"])
        if match and r["rank"] and r["rank"] != match.group(1):
            raise PressTableError(
                f"{label}:{line}: column rank: printed rank {r['rank']} differs from list order "
                f"{match.group(1)} in note"
            )
        if match:
            order_of[line] = int(match.group(1))
    score_at = {order_of[line]: r["score"] for line, r in records if line in order_of}
    rows = []
    for line, r in records:
        if not r["score"] and not r["rank"]:
            raise PressTableError(f"{label}:{line}: the row gives no score and no rank")
        row: dict[str, object] = {
            "year": r["year"],
            "province": r["province"],
            "indicator": "overall",
            "score": r["score"],
            "source_url": r["source_url"],
            "note": r["note"],
        }
        if r["rank"]:
            row.update(rank=r["rank"], rank_basis="published")
        elif line in order_of:
            order = order_of[line]
            rank = min(o for o, score in score_at.items() if score == r["score"])
            row.update(
                rank=rank,
                rank_basis="computed",
                note=f"rank computed from the article's list order {order}"
                + (f" (2-decimal tie with list order {order - 1}: same rank)" if rank != order else "")
                + f"; {r['note']}",
            )
        rows.append(row)
    return rows


def read_hub_previews(path: Path, label: str = HUB_FILE) -> dict[str, list[dict[str, object]]]:
    """Source rows of the hub previews, by raw file (one per index and year)."""
    records = _records(
        path, label, ("index", "year", "province", "indicator", "score", "rank", "source_url", "note")
    )
    out: dict[str, list[dict[str, object]]] = {name: [] for name in HUB_RAW_NAMES.values()}
    for line, r in records:
        name = HUB_RAW_NAMES.get((r["index"], r["year"]))
        if name is None:
            raise PressTableError(
                f"{label}:{line}: index/year {r['index']} {r['year']} has no raw file in HUB_RAW_NAMES"
            )
        if not r["score"] and not r["rank"]:
            raise PressTableError(f"{label}:{line}: the row gives no score and no rank")
        row: dict[str, object] = {
            "year": r["year"],
            "province": r["province"],
            "indicator": r["indicator"],
            "score": r["score"],
            "source_url": r["source_url"],
            "note": r["note"],
        }
        if r["rank"]:
            row.update(rank=r["rank"], rank_basis="published")
        out[name].append(row)
    return out


PAPI_CHECK_FILE = "papi/papi_crosscheck.csv"
PAPI_RAW_FILE = "papi/papi_press_values.csv"


KNOWN_ERRORS_RAW_FILE = "errata/known_source_errors_press.csv"
# values an article prints that its own figures or the publisher's data show to be a slip:
# (year, province, item, value as printed) → (indicator id, reason). Each must be in the file as a
# MISMATCH; the importer never writes it as a candidate value, only into the errata file.
KNOWN_ARTICLE_ERRORS: dict[tuple[str, str, str, str], tuple[str, str]] = {
    ("2019", "Nghe An", "Environmental Governance", "3.99"): (
        "environmental_governance",
        "a typo of the article: its own total 44.72 implies 3.49 (with 3.99 its dimensions sum to 45.22)",
    ),
    ("2023", "Hai Duong", "Vertical Accountability Towards Citizens", "5.04"): (
        "vertical_accountability",
        "a mislabel of the article: 5.04 is the province's transparency score in PAPI's data "
        "(vertical accountability 3.90)",
    ),
}


def papi_known_errors(path: Path, label: str = PAPI_CHECK_FILE) -> list[dict[str, object]]:
    """The rows of :data:`KNOWN_ARTICLE_ERRORS` in the errata format; raises
    :class:`PressTableError` for an entry the file does not hold as a mismatch."""
    records = _records(path, label, ("year", "province", "item", "published_value", "source_url", "result"))
    out: list[dict[str, object]] = []
    for key, (indicator, reason) in KNOWN_ARTICLE_ERRORS.items():
        hits = [r for _, r in records if (r["year"], r["province"], r["item"], r["published_value"]) == key]
        if not hits or any(r["result"] != "MISMATCH" for r in hits):
            raise PressTableError(f"{label}: no MISMATCH row {key} for the known article error")
        out += [
            {
                "index": "papi",
                "year": r["year"],
                "province": r["province"],
                "indicator": indicator,
                "field": "score",
                "value": r["published_value"],
                "source_url": r["source_url"],
                "reason": reason,
            }
            for r in hits
        ]
    return out


def read_papi_crosscheck(path: Path, label: str = PAPI_CHECK_FILE) -> list[dict[str, object]]:
    """Source rows of the PAPI overall and dimension scores that the press printed (a value of
    :data:`KNOWN_ARTICLE_ERRORS` is left out: it goes to the errata)."""
    records = _records(path, label, ("year", "province", "item", "published_value", "source_url", "note"))
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, ...]] = set()
    for line, r in records:
        if r["item"].startswith("sub-dimension"):
            continue
        if not r["published_value"]:
            raise PressTableError(f"{label}:{line}: column published_value is empty")
        key = (r["year"], r["province"], r["item"], r["published_value"], r["source_url"])
        if key in seen:
            continue  # the same figure of the same article listed twice
        seen.add(key)
        if key[:4] in KNOWN_ARTICLE_ERRORS:
            continue
        note = f"{r['result']} with the publisher's file ({r['repo_value']})"
        rows.append(
            {
                "year": r["year"],
                "province": r["province"],
                "indicator": r["item"],
                "score": r["published_value"],
                "source_url": r["source_url"],
                "note": f"{note}; {r['note']}" if r["note"] else note,
            }
        )
    return rows


FACTS_FILE = "quang_ninh/quang_ninh_facts.csv"
DTI_QN_RAW_FILE = "dti/dti_2020_quang_ninh_government.csv"
# metric as the facts file words it → the DTI indicator (as the compiled DTI tables name it)
DTI_2020_METRICS = {
    "DTI 2020 provincial score": "overall",
    "DTI 2020 provincial rank": "overall",
    "DTI 2020 digital-government pillar": "chinh_quyen_so",
    "DTI 2020 digital-economy pillar": "kinh_te_so",
    "DTI 2020 digital-society pillar": "xa_hoi_so",
}
_RANK_OF = re.compile(r"\(rank (\d+)/63\)")


def read_dti_2020_quang_ninh(path: Path, label: str = FACTS_FILE) -> list[dict[str, object]]:
    """Source rows of Quảng Ninh's DTI 2020 values in the programme facts (rankings_DTI, 2020)."""
    records = _records(path, label, ("topic", "year", "metric", "value", "unit", "source_url", "quote_vi"))
    rows: dict[str, dict[str, object]] = {}
    for line, r in records:
        if r["topic"] != "rankings_DTI" or r["year"] != "2020":
            continue
        metric = _RANK_OF.sub("", r["metric"]).strip()
        if metric not in DTI_2020_METRICS:
            raise PressTableError(
                f"{label}:{line}: column metric: {r['metric']!r} is not in DTI_2020_METRICS"
            )
        indicator = DTI_2020_METRICS[metric]
        row = rows.setdefault(
            indicator,
            {"year": 2020, "province": "Quảng Ninh", "indicator": indicator, "source_url": r["source_url"]},
        )
        if row["source_url"] != r["source_url"]:
            raise PressTableError(f"{label}:{line}: a second source for DTI 2020 {indicator}")
        quotes = [str(q) for q in (row.get("note"), f'"{r["quote_vi"]}"') if q]
        row["note"] = "; ".join(dict.fromkeys(quotes))
        rank = _RANK_OF.search(r["metric"])
        if r["unit"].startswith("rank"):
            row.update(rank=r["value"], rank_basis="published")
        else:
            row["score"] = r["value"]
            if rank:
                row.update(rank=rank.group(1), rank_basis="published")
    return list(rows.values())


def import_press_tables(reference: Path, raw_dir: Path) -> dict[str, int]:
    """Write the SGGP PCI 2024 table and the hub previews into ``raw_dir``; rows per file."""
    lost: list[tuple[str, Row, str]] = []

    def citable(relative: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
        kept, refused = split_citable(rows)  # a refused host: left out, listed
        lost.extend((relative, row, why) for row, why in refused)
        return kept

    sggp = read_sggp(reference / SGGP_FILE)
    written = {SGGP_FILE: write_source_rows(raw_dir / SGGP_FILE, citable(SGGP_FILE, sggp))}
    dti_qn = read_dti_2020_quang_ninh(reference / FACTS_FILE)
    written[DTI_QN_RAW_FILE] = write_source_rows(raw_dir / DTI_QN_RAW_FILE, citable(FACTS_FILE, dti_qn))
    papi = read_papi_crosscheck(reference / PAPI_CHECK_FILE)
    written[PAPI_RAW_FILE] = write_source_rows(raw_dir / PAPI_RAW_FILE, citable(PAPI_CHECK_FILE, papi))
    for name, rows in read_hub_previews(reference / HUB_FILE).items():
        written[name] = write_source_rows(raw_dir / name, citable(HUB_FILE, rows))
    written[left_out_file("press_tables")] = write_left_out(raw_dir, "press_tables", lost)
    written[KNOWN_ERRORS_RAW_FILE] = write_rows(
        raw_dir / KNOWN_ERRORS_RAW_FILE, KNOWN_ERROR_COLUMNS, papi_known_errors(reference / PAPI_CHECK_FILE)
    )
    return written
