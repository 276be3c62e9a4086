"""Importer of Quảng Ninh's e-government programme facts, provincial budgets and CPI into raw files.

Writes, with every value as printed and its source:

- ``programme/facts.csv``: the sourced facts (topic, phase as the source names it, year, metric,
  value as printed, unit, source URL, the title and date of the article where known, the
  Vietnamese quote that holds the number), plus every fact of the 2018 seed article;
- ``programme/phases.csv``: the programme's phases and stages, one row per stage and source
  with the period exactly as that source states it (an open end stays open), the legal basis
  where known, and a comparison group: rows of one group that give different periods are listed
  as conflicts by the cleaning, never merged;
- ``budget/provincial_budget_{plan,final}.csv``: the Ministry of Finance's provincial budgets in
  long form (one row per province, year and published measure, in million VND as printed);
- ``cpi/cpi_annual.csv``: annual average CPI change, GSO figures with the World Bank series as a
  second source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..meta import source_originals, url_problem
from .source_rows import Row, foreign_portal, left_out_file, write_left_out, write_rows

# The seed article (../shared/seed/): Báo Quảng Ninh, 16/08/2018, "'Chìa khóa' của xây dựng chính
# quyền điện tử", by Minh Hà. Its own URL is not recorded with the copy we have, so the rows cite
# the newspaper's site (never a guessed article URL) and keep the title and date beside it.
SEED_SOURCE_URL = "https://baoquangninh.vn/"
SEED_TITLE = "\u201cChìa khóa\u201d của xây dựng chính quyền điện tử"
SEED_DATE = "2018-08-16"
SEED_NOTE = "Báo Quảng Ninh, Minh Hà; the article's own URL is not recorded (copy in ../shared/seed/)"

# Phase labels of the seed's facts (mapped to phase ids by meta/programme_phases.csv).
SCHEME = "Đề án CQĐT 2012-2017 (Báo Quảng Ninh 16/08/2018)"
NEXT_STAGE = "Giai đoạn tiếp theo của Đề án từ 2015 (Báo Quảng Ninh 16/08/2018)"
STAGE_2017 = "Giai đoạn 2017-2020 (Báo Quảng Ninh 16/08/2018)"

SEED_FACTS = [
    # topic, phase, year, metric, value, unit, quote (as printed in the article)
    (
        "programme_phase",
        SCHEME,
        "2012",
        "E-government scheme carried out from (year)",
        "2012",
        "year",
        "Đề án xây dựng chính quyền điện tử được triển khai từ năm 2012",
    ),
    (
        "programme_phase",
        NEXT_STAGE,
        "2015",
        "Next stage of the scheme begun (year)",
        "2015",
        "year",
        "tỉnh tiếp tục thực hiện giai đoạn tiếp theo của Đề án vào năm 2015",
    ),
    (
        "programme_phase",
        SCHEME,
        "2012-2017",
        "Five years of carrying out the e-government scheme: period",
        "2012-2017",
        "period",
        "Sau 5 năm triển khai Đề án Xây dựng chính quyền điện tử (2012-2017)",
    ),
    (
        "programme_phase",
        STAGE_2017,
        "2017-2020",
        "Stage 2017-2020 (e-government to digital and smart government): period",
        "2017-2020",
        "period",
        "giai đoạn 2017-2020, tỉnh xác định tiếp tục xây dựng chính quyền điện tử",
    ),
    (
        "programme_phase",
        STAGE_2017,
        "2018-2020",
        "Task: digital transformation strategy: period",
        "2018-2020",
        "period",
        "Xây dựng chiến lược và thực hiện chuyển đổi số giai đoạn 2018-2020",
    ),
    (
        "programme_phase",
        STAGE_2017,
        "2020-2025",
        "Task: e-government digital resource repository: period",
        "2020-2025",
        "period",
        "xây dựng Kho tài nguyên số chính quyền điện tử làm nền tảng xây dựng chính quyền số tỉnh "
        "Quảng Ninh giai đoạn 2020-2025",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "State agencies (province to commune) with Internet for e-government systems",
        "100",
        "%",
        "100% các cơ quan nhà nước từ cấp tỉnh đến cấp xã, phường, thị trấn của tỉnh đã có mạng "
        "internet để khai thác, sử dụng các hệ thống thông tin của chính quyền điện tử",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "State agencies (province to commune) with a local area network (LAN)",
        "100",
        "%",
        "100% các cơ quan nhà nước từ cấp tỉnh đến cấp xã, phường, thị trấn ... và có mạng nội bộ (LAN)",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "Wide-area network points",
        "229",
        "points",
        "Hệ thống mạng diện rộng được xây dựng và hoạt động ổn định với 229 điểm",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "Wide-area network: departments and agencies connected to the data centre",
        "27",
        "departments",
        "kết nối 27 sở, ban, ngành, 14 UBND và 14 trung tâm hành chính công cấp huyện với Trung tâm "
        "Tích hợp dữ liệu của tỉnh",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "Wide-area network: district People's Committees connected",
        "14",
        "district PCs",
        "kết nối 27 sở, ban, ngành, 14 UBND và 14 trung tâm hành chính công cấp huyện",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "Wide-area network: district public administration centres connected",
        "14",
        "centres",
        "kết nối 27 sở, ban, ngành, 14 UBND và 14 trung tâm hành chính công cấp huyện",
    ),
    (
        "infrastructure",
        SCHEME,
        "2017",
        "Video-conference points (to commune level)",
        "231",
        "points",
        "hệ thống hội nghị truyền hình trực tuyến đã hoàn thành việc triển khai đến cấp xã với 231 điểm cầu",
    ),
    (
        "digital_signatures",
        SCHEME,
        "2017",
        "Digital signatures in use (named, no number given)",
        "Chữ ký số",
        "text",
        "ứng dụng công nghệ trong công việc ngày càng đạt hiệu quả với các nội dung như: Chữ ký số",
    ),
    (
        "document_exchange",
        SCHEME,
        "2017",
        "Electronic documents sent and received: levels of government",
        "4",
        "levels",
        "văn bản điện tử gửi - nhận ở 4 cấp",
    ),
    (
        "administrative_procedures",
        SCHEME,
        "2017",
        "Administrative procedures received and handled online",
        "100",
        "%",
        "tiếp nhận, giải quyết 100% thủ tục hành chính trên môi trường mạng",
    ),
    (
        "goals",
        SCHEME,
        "2017",
        "Basic goals of the Đề án met by the end of 2017",
        "22/22",
        "goals",
        "Tính đến hết năm 2017, 22/22 mục tiêu cơ bản của Đề án đã hoàn thành",
    ),
    (
        "goals",
        STAGE_2017,
        "2017-2020",
        "Main goals of the 2017-2020 stage",
        "6",
        "goals",
        "giai đoạn 2017-2020, tỉnh xác định tiếp tục xây dựng chính quyền điện tử ... với 6 mục tiêu chính",
    ),
    *(
        ("goal_text", STAGE_2017, "2017-2020", f"Main goal {i} of 6 (2017-2020)", text, "text", text)
        for i, text in enumerate(
            (
                "Xây dựng chiến lược và thực hiện chuyển đổi số giai đoạn 2018-2020",
                "thực hiện tốt các chiến lược, quy hoạch, kế hoạch phát triển trong lĩnh vực CNTT và "
                "truyền thông của tỉnh",
                "tích cực cải cách hành chính theo hướng hiện đại, minh bạch, chuyên nghiệp, hiệu quả",
                "lấy chính quyền điện tử làm hạt nhân để xây dựng thành phố thông minh tỉnh Quảng Ninh",
                "phát triển, chuẩn hóa nền tảng chính quyền điện tử, hạ tầng CNTT hiện đại, đồng bộ và "
                "ứng dụng sâu rộng CNTT trong hoạt động nội bộ của các cơ quan nhà nước, nhất là việc "
                "cung cấp dịch vụ công mức độ 3 và 4",
                "xây dựng các cơ sở dữ liệu chuyên ngành, kho tài nguyên số; phát triển nguồn nhân lực "
                "chất lượng cao và tuyên truyền, tập huấn công dân điện tử",
            ),
            start=1,
        )
    ),
    (
        "rankings_claim",
        "",
        "2017",
        "Claim: PCI 2017 national rank",
        "1",
        "rank",
        "năm 2017, chỉ số năng lực cạnh tranh PCI, chỉ số cải cách hành chính PAR Index của tỉnh "
        "Quảng Ninh đều đứng thứ nhất toàn quốc",
    ),
    (
        "rankings_claim",
        "",
        "2017",
        "Claim: PAR Index 2017 national rank",
        "1",
        "rank",
        "năm 2017, chỉ số năng lực cạnh tranh PCI, chỉ số cải cách hành chính PAR Index của tỉnh "
        "Quảng Ninh đều đứng thứ nhất toàn quốc",
    ),
    (
        "rankings_claim",
        "",
        "",
        "Claim: ICT Index rank of 63, two years running (editions not named)",
        "4/63",
        "rank",
        "2 năm liền Quảng Ninh đứng thứ 4/63 tỉnh, thành phố về chỉ số sẵn sàng ứng dụng CNTT (ICT Index)",
    ),
    (
        "budget",
        STAGE_2017,
        "2017",
        "Projects/tasks approved and under way in 2017: total funding",
        "330,9 tỷ đồng",
        "",
        "Trong năm 2017, tỉnh đã phê duyệt và đang triển khai thực hiện 7 dự án, nhiệm vụ với tổng "
        "kinh phí 330,9 tỷ đồng",
    ),
    (
        "budget",
        STAGE_2017,
        "2018-2020",
        "New projects and tasks planned for 2018-2020: expected funding",
        "86 tỷ đồng",
        "",
        "Trong năm 2018 và đến năm 2020, tỉnh sẽ tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới với "
        "kinh phí dự kiến 86 tỷ đồng",
    ),
    (
        "projects",
        STAGE_2017,
        "2017",
        "Projects/tasks approved and under way in 2017",
        "7",
        "projects/tasks",
        "tỉnh đã phê duyệt và đang triển khai thực hiện 7 dự án, nhiệm vụ",
    ),
    (
        "projects",
        STAGE_2017,
        "2018-2020",
        "New projects planned for 2018-2020",
        "9",
        "projects",
        "tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới",
    ),
    (
        "projects",
        STAGE_2017,
        "2018-2020",
        "New tasks planned for 2018-2020",
        "3",
        "tasks",
        "tiếp tục triển khai 9 dự án và 3 nhiệm vụ mới",
    ),
]

FACT_COLUMNS = (
    "topic",
    "phase",
    "year",
    "metric",
    "value",
    "unit",
    "source_url",
    "source_title",
    "source_date",
    "quote_vi",
    "note",
)

# The programme's phases and stages, one row per stage and source. Each row is sourced by the fact
# (its metric) that states the period; `known_until` is the date of a source that speaks of an
# open-ended stage as under way (the stage ran at least until then; its end is not stated).
PHASES = [
    # phase_id, kind, in_programme, name_vi, name_en, start, end, compare_group, legal basis,
    # metric of the fact that states the period, metric of the fact that states the legal basis
    (
        "it_plan_2011_2015",
        "plan",
        False,
        "Kế hoạch ứng dụng, phát triển CNTT 2011-2015",
        "IT application and development plan 2011-2015",
        "2011",
        "2015",
        "it_plan",
        "",
        "Provincial IT application plan 2011-2015 approved (date)",
        "",
    ),
    (
        "egov_plan_2012_2014",
        "scheme",
        True,
        "Đề án xây dựng chính quyền điện tử giai đoạn 2012-2014",
        "E-government scheme as approved for 2012-2014",
        "2012",
        "2014",
        "egov_scheme_period",
        "QĐ 2459/QĐ-UBND (2012-09-28)",
        "Đề án CQĐT approved for period 2012-2014",
        "Decision approving Đề án CQĐT 2012-2014: number / date",
    ),
    (
        "egov_scheme_2012_2017",
        "implementation",
        True,
        "Triển khai Đề án xây dựng chính quyền điện tử (5 năm, 2012-2017)",
        "E-government scheme carried out, five years (2012-2017)",
        "2012",
        "2017",
        "egov_scheme_period",
        "",
        "Five years of carrying out the e-government scheme: period",
        "",
    ),
    (
        "egov_next_stage_2015",
        "stage",
        True,
        "Giai đoạn tiếp theo của Đề án (từ năm 2015)",
        "Next stage of the scheme (from 2015; end not stated)",
        "2015",
        "",
        "egov_second_stage",
        "",
        "Next stage of the scheme begun (year)",
        "",
    ),
    (
        "egov_stage_2017_2020",
        "stage",
        True,
        "Giai đoạn 2017-2020: từ chính quyền điện tử lên chính quyền số, chính quyền thông minh",
        "Stage 2017-2020: from e-government to digital and smart government",
        "2017",
        "2020",
        "egov_second_stage",
        "",
        "Stage 2017-2020 (e-government to digital and smart government): period",
        "",
    ),
    (
        "egov_stage_2017_2020",
        "stage",
        True,
        "Giai đoạn 2 của Đề án chính quyền điện tử (2017-2020)",
        "Second stage of the e-government scheme (2017-2020)",
        "2017",
        "2020",
        "egov_second_stage",
        "",
        "Second stage of provincial e-government scheme: period",
        "",
    ),
    (
        "smart_city_2017_2020",
        "scheme",
        True,
        "Đề án thành phố thông minh 2017-2020",
        "Smart-city scheme 2017-2020",
        "2017",
        "2020",
        "smart_city",
        "",
        "Tasks/projects in smart-city scheme 2017-2020",
        "",
    ),
    (
        "smart_city_2017_2020",
        "scheme",
        True,
        "Đề án mô hình thành phố thông minh (triển khai từ năm 2016)",
        "Smart-city scheme (carried out from 2016)",
        "2016",
        "",
        "smart_city",
        "",
        "Smart-city scheme launched (year)",
        "",
    ),
    (
        "digital_strategy_2018_2020",
        "task",
        True,
        "Xây dựng chiến lược và thực hiện chuyển đổi số giai đoạn 2018-2020",
        "Digital transformation strategy 2018-2020 (priority task)",
        "2018",
        "2020",
        "digital_strategy",
        "",
        "Task: digital transformation strategy: period",
        "",
    ),
    (
        "digital_government_2019_2025",
        "draft",
        False,
        "Đề án xây dựng chính quyền số tỉnh Quảng Ninh giai đoạn 2019-2025 (dự thảo)",
        "Digital-government scheme 2019-2025 (draft; decision number blank)",
        "2019",
        "2025",
        "digital_government",
        "",
        "Digital-government scheme period (draft document dated 2019; decision number blank)",
        "",
    ),
    (
        "digital_repository_2020_2025",
        "task",
        True,
        "Kho tài nguyên số chính quyền điện tử, nền tảng chính quyền số giai đoạn 2020-2025",
        "E-government digital resource repository 2020-2025 (priority task)",
        "2020",
        "2025",
        "digital_repository",
        "",
        "Task: e-government digital resource repository: period",
        "",
    ),
    (
        "digital_transformation_2022_2025",
        "scheme",
        True,
        "Chuyển đổi số toàn diện (NQ 09-NQ/TU; Đề án QĐ 1488/QĐ-UBND)",
        "Comprehensive digital transformation to 2025 (vision 2030)",
        "2022",
        "2025",
        "digital_transformation",
        "NQ 09-NQ/TU (2022-02-05); QĐ 1488/QĐ-UBND (2022-06-08)",
        "Decision approving Đề án chuyển đổi số toàn diện to 2025, vision 2030: number / date",
        "Resolution 09-NQ/TU on comprehensive digital transformation: date",
    ),
]
PHASE_COLUMNS = (
    "phase_id",
    "kind",
    "in_programme",
    "name_vi",
    "name_en",
    "start_year",
    "end_year",
    "known_until",
    "stated_as",
    "compare_group",
    "legal_basis",
    "legal_basis_source_url",
    "source_url",
    "source_title",
    "source_date",
    "quote_vi",
)

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


def _year(date: str) -> str:
    return date[:4]


def _stated_as(fact: dict[str, str]) -> str:
    """How the fact's source states the stage: its period or year, else the span it is dated
    with (a count of projects "for 2017-2020"), else its value (a decision and its date)."""
    if fact["unit"] in ("period", "year") or "-" not in fact["year"]:
        return fact["value"]
    return fact["year"]


FACTS_FILE = "quang_ninh/quang_ninh_facts.csv"


def import_facts(reference: Path, raw_dir: Path) -> dict[str, int]:
    facts = pd.read_csv(reference / FACTS_FILE, dtype=str, keep_default_na=False)
    rows = facts.to_dict("records")
    rows += [
        dict(zip(("topic", "phase", "year", "metric", "value", "unit", "quote_vi"), f, strict=True))
        | {
            "source_url": SEED_SOURCE_URL,
            "source_title": SEED_TITLE,
            "source_date": SEED_DATE,
            "note": SEED_NOTE,
        }
        for f in SEED_FACTS
    ]
    by_metric = {r["metric"]: r for r in rows}
    phases = []
    for p in PHASES:
        stated = by_metric[p[9]]
        basis = by_metric[p[10]]["source_url"] if p[10] else ""
        phases.append(
            {
                "phase_id": p[0],
                "kind": p[1],
                "in_programme": "yes" if p[2] else "no",
                "name_vi": p[3],
                "name_en": p[4],
                "start_year": p[5],
                "end_year": p[6],
                # an open end: the stage was under way at least until its source's date
                "known_until": _year(stated.get("source_date", "")) if not p[6] else "",
                "stated_as": _stated_as(stated),
                "compare_group": p[7],
                "legal_basis": p[8],
                "legal_basis_source_url": basis,
                "source_url": stated["source_url"],
                "source_title": stated.get("source_title", ""),
                "source_date": stated.get("source_date", ""),
                "quote_vi": stated["quote_vi"],
            }
        )
    rows, lost = _citable_facts(rows)
    phases, lost_phases = _citable_phases(phases)
    lost += lost_phases
    return {
        left_out_file("programme"): write_left_out(raw_dir, "programme", lost),
        "programme/facts.csv": write_rows(raw_dir / "programme" / "facts.csv", FACT_COLUMNS, rows),
        "programme/phases.csv": write_rows(raw_dir / "programme" / "phases.csv", PHASE_COLUMNS, phases),
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
    originals = source_originals()  # a mirror's URL → the page it copies
    rows = [{**r, "source_url": originals.get(r["source_url"], r["source_url"])} for r in rows]
    lost = [
        (
            "cpi/cpi_vietnam.csv",
            {
                **r,
                "province": "Việt Nam",
                "metric": "annual average CPI change (%)",
                "value": r["cpi_avg_change_pct"],
            },
            why,
        )
        for r in rows
        if (why := url_problem(r["source_url"]))
    ]
    rows = [r for r in rows if not url_problem(r["source_url"])]
    return {
        left_out_file("cpi"): write_left_out(raw_dir, "cpi", lost),
        "cpi/cpi_annual.csv": write_rows(
            raw_dir / "cpi" / "cpi_annual.csv",
            ("year", "cpi_avg_change_pct", "source_url", "source_org", "note"),
            rows,
        ),
    }


def _citable_facts(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[tuple[str, Row, str]]]:
    """The facts clean accepts, and those left out with the reason: a refused host, or another
    province's portal cited for Quảng Ninh's own facts (``foreign_portal``; a national ranking,
    topic ``rankings_*``, is no province's own fact and may be reproduced by any portal)."""
    kept: list[dict[str, str]] = []
    lost: list[tuple[str, Row, str]] = []
    for row in rows:
        own = not str(row.get("topic", "")).startswith("rankings")
        why = url_problem(row["source_url"]) or (
            foreign_portal(row["source_url"], "Quảng Ninh") if own else None
        )
        if why:
            lost.append((FACTS_FILE, row, why))
        else:
            kept.append(row)
    return kept, lost


def _citable_phases(phases: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[tuple[str, Row, str]]]:
    """Stages whose source is refused are left out and listed; a refused legal-basis link is
    left empty (the decision's number stays) and listed."""
    kept: list[dict[str, str]] = []
    lost: list[tuple[str, Row, str]] = []
    for phase in phases:
        listed = {"year": phase["stated_as"], "metric": phase["phase_id"], "value": phase["stated_as"]}
        why = url_problem(phase["source_url"]) or foreign_portal(phase["source_url"], "Quảng Ninh")
        if why:
            lost.append((FACTS_FILE, {**listed, "source_url": phase["source_url"]}, why))
            continue
        basis = phase["legal_basis_source_url"]
        why = (url_problem(basis) or foreign_portal(basis, "Quảng Ninh")) if basis else None
        if why:
            lost.append((FACTS_FILE, {**listed, "value": phase["legal_basis"], "source_url": basis}, why))
            phase = {**phase, "legal_basis_source_url": ""}
        kept.append(phase)
    return kept, lost


def import_all(reference: Path, raw_dir: Path) -> dict[str, int]:
    return {
        **import_facts(reference, raw_dir),
        **import_budgets(reference, raw_dir),
        **import_cpi(reference, raw_dir),
    }
