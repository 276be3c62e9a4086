"""One theme for every chart: colour-blind-safe colours, a font with Vietnamese diacritics,
labels in English or Vietnamese, and deterministic SVG output."""

from __future__ import annotations

import matplotlib as mpl

# Okabe & Ito (2008), safe for the common forms of colour blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
CONTEXT = "#B8B8B8"
MISSING = "#EDEDED"
SEQUENTIAL = "cividis"  # perceptually uniform and readable with colour-vision deficiency
TIER_COLOURS = {  # PCI tiers, best to worst, on one colour-blind-safe scale
    "Rất tốt": "#0072B2",
    "Tốt": "#56B4E9",
    "Khá": "#009E73",
    "Trung bình": "#E69F00",
    "Tương đối thấp": "#D55E00",
    "Thấp": "#CC79A7",
}

LABELS = {
    "en": {
        "rank": "Rank",
        "year": "Year",
        "score": "Score",
        "sources": "Sources",
        "notes": "Notes",
        "no_data": "no data",
        "province": "Province",
        "best": "Best province",
        "median": "National median",
        "peers": "Regional peers",
        "target": "Target",
        "achieved": "Achieved",
        "nominal": "Nominal",
        "real": "Real ({year} VND)",
        "billion_vnd": "Billion VND",
        "quartile": "Quartile",
        "tier": "Tier",
        "correlation": "Pearson r = {r:.2f}, Spearman ρ = {rho:.2f}, n = {n}",
        "change": "Rank change",
        "derived": "derived",
        "phase": "Phase",
        "title_ranks": "{what}: ranks",
        "title_heatmap": "{what}: ranks by province and year",
        "title_year": "{what} {year}",
        "title_change": "{what}: {first} to {last}",
        "title_map": "{what} {year} ({units} units)",
        "title_phase_budget": "Programme budget per phase",
        "title_budget_items": "Budget items and yearly tranches",
        "title_goals": "Goals per phase",
        "title_milestones": "Dated milestones",
        "title_around_phases": "{province}: {index} around the programme phases",
        "title_profile": "{province}: {index} {year} against the best province",
        "title_coverage": "Headline scores held per index and year",
        "title_relationship": "{x} and {y}, {year}",
    },
    "vi": {
        "rank": "Thứ hạng",
        "year": "Năm",
        "score": "Điểm",
        "sources": "Nguồn",
        "notes": "Ghi chú",
        "no_data": "không có dữ liệu",
        "province": "Tỉnh",
        "best": "Tỉnh cao nhất",
        "median": "Trung vị cả nước",
        "peers": "Các tỉnh cùng vùng",
        "target": "Mục tiêu",
        "achieved": "Đạt được",
        "nominal": "Danh nghĩa",
        "real": "Thực (giá {year})",
        "billion_vnd": "Tỷ đồng",
        "quartile": "Nhóm tứ phân vị",
        "tier": "Nhóm xếp hạng",
        "correlation": "Pearson r = {r:.2f}, Spearman ρ = {rho:.2f}, n = {n}",
        "change": "Thay đổi thứ hạng",
        "derived": "tính toán",
        "phase": "Giai đoạn",
        "title_ranks": "{what}: thứ hạng",
        "title_heatmap": "{what}: thứ hạng theo tỉnh và năm",
        "title_year": "{what} năm {year}",
        "title_change": "{what}: từ {first} đến {last}",
        "title_map": "{what} năm {year} ({units} đơn vị)",
        "title_phase_budget": "Kinh phí chương trình theo giai đoạn",
        "title_budget_items": "Các khoản kinh phí và phân kỳ theo năm",
        "title_goals": "Mục tiêu theo giai đoạn",
        "title_milestones": "Các mốc có năm",
        "title_around_phases": "{province}: {index} qua các giai đoạn của chương trình",
        "title_profile": "{province}: {index} năm {year} so với tỉnh cao nhất",
        "title_coverage": "Điểm tổng hợp hiện có theo chỉ số và năm",
        "title_relationship": "{x} và {y}, năm {year}",
    },
}


def label(key: str, lang: str = "en", **values: object) -> str:
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {', '.join(LABELS)}")
    return LABELS[lang][key].format(**values)


def apply_theme() -> None:
    """Set the project's matplotlib defaults (called by every chart function)."""
    mpl.rcParams.update(
        {
            "font.family": "DejaVu Sans",  # ships with matplotlib; covers Vietnamese
            "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#E5E5E5",
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "svg.hashsalt": "egov-analysis",  # stable SVG ids: identical builds, identical files
            "svg.fonttype": "path",
        }
    )
