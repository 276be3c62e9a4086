"""Importer of Quảng Ninh's e-government programme facts, provincial budgets and CPI into raw files.

Writes, with every value as printed and its source:

- ``programme/facts.csv``: the sourced facts (topic, phase as the source names it, year, metric,
  value as printed, unit, source URL, the Vietnamese quote that holds the number), plus the facts
  of the 2018 seed article;
- ``programme/phases.csv``: the programme's phases (name, start, end, legal basis, source);
- ``budget/provincial_budget_{plan,final}.csv``: the Ministry of Finance's provincial budgets in
  long form (one row per province, year and published measure, in million VND as printed);
- ``cpi/cpi_annual.csv``: annual average CPI change, GSO figures with the World Bank series as a
  second source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .source_rows import write_rows

# The seed article (../shared/seed/): Báo Quảng Ninh, 16/08/2018, "'Chìa khóa' của xây dựng chính
# quyền điện tử", by Minh Hà. Its own URL is not recorded with the copy we have, so the rows cite
# the newspaper's site and name the article in `note`; the quote holds the number.
SEED_SOURCE_URL = "https://baoquangninh.vn/"
SEED_CITATION = (
    "Báo Quảng Ninh, 16/08/2018, \u201cChìa khóa\u201d của xây dựng chính quyền điện tử "
    "(Minh Hà); article URL not recorded, copy in ../shared/seed/"
)
SEED_FACTS = [
    # topic, phase, year, metric, value, unit, quote
    (
        "budget",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2017",
        "Projects/tasks approved and under way in 2017: total funding",
        "330,9 tỷ đồng",
        "",
        "Trong năm 2017, tỉnh đã phê duyệt và đang triển khai thực hiện 7 dự án, nhiệm vụ với tổng "
        "kinh phí 330,9 tỷ đồng",
    ),
    (
        "budget",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2018-2020",
        "New projects and tasks planned for 2018-2020: expected funding",
        "86 tỷ đồng",
        "",
        "Trong năm 2018 và đến năm 2020, tỉnh sẽ tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới với "
        "kinh phí dự kiến 86 tỷ đồng",
    ),
    (
        "projects",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2017",
        "Projects/tasks approved and under way in 2017",
        "7",
        "projects/tasks",
        "tỉnh đã phê duyệt và đang triển khai thực hiện 7 dự án, nhiệm vụ",
    ),
    (
        "projects",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2018-2020",
        "New projects planned for 2018-2020",
        "9",
        "projects",
        "tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới",
    ),
    (
        "projects",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2018-2020",
        "New tasks planned for 2018-2020",
        "3",
        "tasks",
        "tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới",
    ),
    (
        "goals",
        "CQĐT 2012-2017 (5 years)",
        "2017",
        "Basic goals of the Đề án met by the end of 2017",
        "22/22",
        "goals",
        "Tính đến hết năm 2017, 22/22 mục tiêu cơ bản của Đề án đã hoàn thành",
    ),
    (
        "goals",
        "CQĐT giai đoạn 2 (2017-2020)",
        "2017-2020",
        "Main goals of the 2017-2020 phase",
        "6",
        "goals",
        "giai đoạn 2017-2020, tỉnh xác định tiếp tục xây dựng chính quyền điện tử ... với 6 mục tiêu chính",
    ),
    (
        "infrastructure",
        "CQĐT 2012-2017 (5 years)",
        "2017",
        "Wide-area network points",
        "229",
        "points",
        "Hệ thống mạng diện rộng được xây dựng và hoạt động ổn định với 229 điểm",
    ),
    (
        "infrastructure",
        "CQĐT 2012-2017 (5 years)",
        "2017",
        "Video-conference points (to commune level)",
        "231",
        "points",
        "hệ thống hội nghị truyền hình trực tuyến đã hoàn thành việc triển khai đến cấp xã với 231 điểm cầu",
    ),
]

FACT_COLUMNS = ("topic", "phase", "year", "metric", "value", "unit", "source_url", "quote_vi", "note")

# The programme's phases; each row's source is the fact that states its period and legal basis.
PHASES = [
    # phase_id, name_vi, name_en, start, end, legal_basis, metric of the fact that sources it
    (
        "it_plan_2011_2015",
        "Kế hoạch ứng dụng, phát triển CNTT 2011-2015",
        "IT application and development plan 2011-2015",
        "2011",
        "2015",
        "",
        "Provincial IT application plan 2011-2015 approved (date)",
    ),
    (
        "egov_2012_2014",
        "Đề án xây dựng chính quyền điện tử giai đoạn 2012-2014",
        "E-government scheme 2012-2014",
        "2012",
        "2014",
        "QĐ 2459/QĐ-UBND (2012-09-28)",
        "Decision approving Đề án CQĐT 2012-2014: number / date",
    ),
    (
        "egov_2017_2020",
        "Chính quyền điện tử giai đoạn 2 (2017-2020)",
        "E-government phase 2 (2017-2020)",
        "2017",
        "2020",
        "",
        "Second stage of provincial e-government scheme: period",
    ),
    (
        "smart_city_2017_2020",
        "Đề án thành phố thông minh 2017-2020",
        "Smart-city scheme 2017-2020",
        "2017",
        "2020",
        "",
        "Tasks/projects in smart-city scheme 2017-2020",
    ),
    (
        "digital_transformation_2022_2025",
        "Chuyển đổi số toàn diện (NQ 09-NQ/TU; Đề án QĐ 1488/QĐ-UBND)",
        "Comprehensive digital transformation to 2025 (vision 2030)",
        "2022",
        "2025",
        "NQ 09-NQ/TU (2022-02-05); QĐ 1488/QĐ-UBND (2022-06-08)",
        "Decision approving Đề án chuyển đổi số toàn diện to 2025, vision 2030: number / date",
    ),
]

BUDGET_SOURCE_URL = {
    "plan": "https://github.com/mdtrinh/vietnamdata/blob/5e8d4e7408e1b3e422cde2f9f356240c6a50408b/"
    "data/VNbudget_plan.rda",
    "final": "https://github.com/mdtrinh/vietnamdata/blob/5e8d4e7408e1b3e422cde2f9f356240c6a50408b/"
    "data/VNbudget_final.rda",
}
BUDGET_PUBLISHER_NOTE = (
    "Ministry of Finance (http://www.mof.gov.vn/portal/page/portal/mof_vn/"
    "1351583/2126549/2115685), compiled by the CC0 package mdtrinh/vietnamdata"
)
# The published measures; the package's lags, logs and changes are its own derivations: not imported.
BUDGET_MEASURES = (
    "total.rev",
    "ratio",
    "total.exp",
    "balance.trans",
    "target.trans",
    "project.trans",
    "net.trans",
)


def import_facts(reference: Path, raw_dir: Path) -> dict[str, int]:
    facts = pd.read_csv(reference / "quang_ninh" / "quang_ninh_facts.csv", dtype=str, keep_default_na=False)
    rows = facts.to_dict("records")
    rows += [
        dict(zip(("topic", "phase", "year", "metric", "value", "unit", "quote_vi"), f, strict=True))
        | {"source_url": SEED_SOURCE_URL, "note": SEED_CITATION}
        for f in SEED_FACTS
    ]
    by_metric = {r["metric"]: r for r in rows}
    phases = [
        {
            "phase_id": p[0],
            "name_vi": p[1],
            "name_en": p[2],
            "start_year": p[3],
            "end_year": p[4],
            "legal_basis": p[5],
            "source_url": by_metric[p[6]]["source_url"],
            "quote_vi": by_metric[p[6]]["quote_vi"],
        }
        for p in PHASES
    ]
    return {
        "programme/facts.csv": write_rows(raw_dir / "programme" / "facts.csv", FACT_COLUMNS, rows),
        "programme/phases.csv": write_rows(
            raw_dir / "programme" / "phases.csv",
            (
                "phase_id",
                "name_vi",
                "name_en",
                "start_year",
                "end_year",
                "legal_basis",
                "source_url",
                "quote_vi",
            ),
            phases,
        ),
    }


def import_budgets(reference: Path, raw_dir: Path) -> dict[str, int]:
    written = {}
    for dataset in ("plan", "final"):
        table = pd.read_csv(
            reference / "budget" / f"vn_budget_{dataset}.csv", dtype=str, keep_default_na=False
        )
        measures = [m for m in BUDGET_MEASURES if m in table.columns]
        table["source_row"] = range(1, len(table) + 1)  # the row of the package's table
        long = table.melt(
            id_vars=["source_row", "prov", "year"],
            value_vars=measures,
            var_name="measure",
            value_name="value",
        ).sort_values(["source_row", "measure"], kind="stable")
        long = long[long["value"].ne("") & long["value"].ne("NA")]
        rows = [
            {
                "source_row": r["source_row"],
                "year": r["year"],
                "province": r["prov"],
                "measure": r["measure"],
                "value": r["value"],
                "unit": "percent" if r["measure"] == "ratio" else "million VND",
                "source_url": BUDGET_SOURCE_URL[dataset],
                "note": BUDGET_PUBLISHER_NOTE,
            }
            for r in long.to_dict("records")
        ]
        name = f"budget/provincial_budget_{dataset}.csv"
        written[name] = write_rows(
            raw_dir / name,
            ("source_row", "year", "province", "measure", "value", "unit", "source_url", "note"),
            rows,
        )
    return written


def import_cpi(reference: Path, raw_dir: Path) -> dict[str, int]:
    gso = pd.read_csv(reference / "cpi" / "cpi_vietnam.csv", dtype=str, keep_default_na=False)
    wb = pd.read_csv(reference / "cpi" / "cpi_vietnam_worldbank.csv", dtype=str, keep_default_na=False)
    rows = [
        {
            "year": r["year"],
            "cpi_avg_change_pct": r["cpi_avg_change_pct"],
            "source_url": r["source_url"],
            "source_org": r["source_org"],
            "note": r["note"],
        }
        for r in gso.to_dict("records")
    ]
    rows += [
        {
            "year": r["year"],
            "cpi_avg_change_pct": r["wb_inflation_cpi_annual_pct"],
            "source_url": r["source_url"],
            "source_org": "World Bank (FP.CPI.TOTL.ZG)",
            "note": "second source: World Bank series",
        }
        for r in wb.to_dict("records")
    ]
    return {
        "cpi/cpi_annual.csv": write_rows(
            raw_dir / "cpi" / "cpi_annual.csv",
            ("year", "cpi_avg_change_pct", "source_url", "source_org", "note"),
            rows,
        )
    }


def import_all(reference: Path, raw_dir: Path) -> dict[str, int]:
    return {
        **import_facts(reference, raw_dir),
        **import_budgets(reference, raw_dir),
        **import_cpi(reference, raw_dir),
    }
