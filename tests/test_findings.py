"""Key findings on inline frames: a province that rose, one that fell, a tie, a province not
published, a partial year and a series break — every sentence checked word for word."""

from __future__ import annotations

import pandas as pd
import pytest
from support import coverage_rows

from egov_analysis import formatting as fmt
from egov_analysis.analysis import findings

QN, HN, HP, DN, HG = "22", "01", "31", "48", "02"
NAMES = {QN: "Quảng Ninh", HN: "Hà Nội", HP: "Hải Phòng", DN: "Đà Nẵng", HG: "Hà Giang"}


def _panel(entries: list[tuple[int, str, float | None, int | None]], index: str = "pci", n: int = 4):
    frame = pd.DataFrame(
        [
            {
                "index": index,
                "year": year,
                "geography": "provinces_63",
                "province_code": code,
                "province": NAMES[code],
                "indicator": "overall",
                "score": score,
                "rank": rank,
                "n_ranked": n,
            }
            for year, code, score, rank in entries
        ]
    )
    return frame.astype({"year": "Int64", "score": "Float64", "rank": "Int64", "n_ranked": "Int64"})


# 2019 and 2020 publish all four units (2020 with a tie at rank 2); 2021 only a top list of two
ROWS = _panel(
    [
        (2019, QN, 60.0, 3),
        (2019, HN, 70.0, 1),
        (2019, HP, 65.0, 2),
        (2019, DN, 55.0, 4),
        (2020, QN, 72.0, 1),
        (2020, HN, 62.0, 3),
        (2020, HP, 66.0, 2),
        (2020, DN, 66.0, 2),
        (2021, QN, 75.0, 1),
        (2021, HP, None, 2),
    ]
)


def test_a_province_that_rose():
    assert findings.province_sentences(ROWS, QN, "en") == [
        "PCI 2021: Quảng Ninh ranks 1 / 4 with a score of 75.00.",
        "Best rank 1 (2020–2021); lowest rank 3 (2019), over 3 years with a rank.",
        "Biggest rise: from rank 3 in 2019 to 1 in 2020, 2 places up.",
        "In 2020, with a score held for all 4 ranked units, Quảng Ninh scored 72.00 against a national "
        "median of 66.00† (lowest 62.00, highest 72.00).",
        "In the Red River Delta region it ranked 1 / 3† on score in 2020.",
    ]


def test_a_province_that_fell_and_is_missing_from_the_latest_partial_list():
    assert findings.province_sentences(ROWS, HN, "en") == [
        "PCI 2021: the data held have only 2 of 4 ranked units, and Hà Nội is not among them; its latest "
        "value held is rank 3 / 4 in 2020.",
        "Best rank 1 (2019); lowest rank 3 (2020), over 2 years with a rank.",
        "Biggest fall: from rank 1 in 2019 to 3 in 2020, 2 places down.",
        "In 2020, with a score held for all 4 ranked units, Hà Nội scored 62.00 against a national median of "
        "66.00† (lowest 62.00, highest 72.00).",
        "In the Red River Delta region it ranked 3 / 3† on score in 2020.",
        "The data held have no PCI value for Hà Nội for 2021.",
    ]


def test_a_tie_is_named_and_an_unchanged_rank_is_not_called_a_move():
    up_to_2020 = ROWS[ROWS["year"] <= 2020]
    sentences = findings.province_sentences(up_to_2020, HP, "en")
    assert sentences[:4] == [
        "PCI 2020: Hải Phòng ranks 2 / 4 with a score of 66.00.",
        "Hải Phòng shares rank 2 in 2020 with Đà Nẵng.",
        "The same rank in each of the 2 years with a rank: 2 (2019–2020).",
        "Its rank did not change from one ranked year to the next.",
    ]
    assert not any("Biggest" in s for s in sentences)


def test_a_rank_without_a_score_says_so():
    assert findings.province_sentences(ROWS, HP, "en")[0] == (
        "PCI 2021: Hải Phòng ranks 2 / 4; the data held have no score for it."
    )


def test_a_province_never_published():
    # Hà Giang has no row at all: its name comes from the province registry
    assert findings.province_sentences(ROWS, HG, "en") == [
        "PCI 2019–2021: the data held have no value for Hà Giang."
    ]


def test_index_sentences_leader_partial_years_distribution_and_moves():
    assert findings.index_sentences(ROWS, "en") == [
        "PCI 2021: Quảng Ninh ranks first with a score of 75.00.",
        "The data held have only part of the PCI list in some years (units with a score or a rank, "
        "of units ranked): 2 of 4 in 2021.",
        "In 2020, the latest year in which the data held have a score for every ranked unit (4 units), "
        "the median score was 66.00†; scores ranged from 62.00 (Hà Nội) to 72.00 (Quảng Ninh).",
        "From 2019 to 2021, only 2 units are ranked in both years: too few to name a largest rise or "
        "fall (at least 10 are needed), since which units happen to be held would decide it.",
    ]


def test_no_national_median_without_a_complete_year():
    partial = ROWS[ROWS["year"].eq(2021)]
    assert (
        "In no PCI year of this report do the data held have a score for every ranked unit, so no "
        "national median is given." in findings.index_sentences(partial, "en")
    )
    assert not any("median" in s for s in findings.province_sentences(partial, QN, "en"))


def test_vietnamese_sentences_use_decimal_comma_and_vietnamese_words():
    sentences = findings.province_sentences(ROWS, QN, "vi")
    assert sentences[0] == "PCI 2021: Quảng Ninh xếp thứ 1/4 với 75,00 điểm."
    assert sentences[2] == "Tăng mạnh nhất: từ hạng 3 năm 2019 lên hạng 1 năm 2020, tăng 2 bậc."
    assert "Trong vùng Đồng bằng sông Hồng, tỉnh xếp thứ 1/3† theo điểm năm 2020." in sentences


def test_no_move_and_no_change_across_a_series_break():
    papi = _panel(
        [
            (2017, QN, 30.0, 40),
            (2017, HN, 31.0, 30),
            (2018, QN, 45.0, 2),
            (2018, HN, 44.0, 3),
            (2019, QN, 44.0, 3),
            (2019, HN, 45.0, 2),
        ],
        index="papi",
        n=63,
    )
    sentences = findings.province_sentences(papi, QN, "en")
    assert "Biggest rise: from rank 40 in 2017 to 2 in 2018, 38 places up." not in sentences
    assert "Biggest fall: from rank 2 in 2018 to 3 in 2019, 1 place down." in sentences
    assert "Moves are not compared across the PAPI series break of 2018." in sentences
    assert findings.change_years(papi) == (2018, 2019)
    assert findings.comparable_years("papi", "overall", [2011, 2017, 2018, 2024]) == [2018, 2024]
    assert "The PAPI series breaks in 2018; changes are compared from 2018 on." in (
        findings.index_sentences(papi, "en")
    )


def test_findings_markdown_has_the_heading_from_the_parameters():
    found = findings.rankings_findings(ROWS, [QN], "vi", "PCI 2019–2021")
    markdown = found.markdown()
    assert markdown.startswith("## Những điểm chính — PCI 2019–2021\n\n- PCI 2021: Quảng Ninh dẫn đầu")
    assert markdown.count("\n- ") == len(found.sentences)


def test_rows_of_two_indices_are_refused():
    with pytest.raises(ValueError, match="one index"):
        findings.index_sentences(pd.concat([ROWS, ROWS.assign(index="dti")]), "en")


def test_profile_findings_list_the_indices_with_no_value():
    panel = pd.concat([ROWS, _panel([(2020, HN, 0.5, 1)], index="dti", n=63)])
    found = findings.profile_findings(panel, QN, "en", "Quảng Ninh")
    assert found.sentences[0] == "PCI 2021: Quảng Ninh ranks 1 / 4 with a score of 75.00."
    assert found.sentences[-2] == "The data held have no headline value for Quảng Ninh on DTI."
    # the position in the region is placed by this project: marked, and the legend closes the list
    assert found.sentences[-1].startswith("† computed by this project")
    assert not any("Biggest" in s for s in found.sentences)


def test_relationship_and_quality_findings():
    pairs = pd.DataFrame(
        {
            "province_code": [QN, HN, HP],
            "province": ["Quảng Ninh", "Hà Nội", "Hải Phòng"],
            "x_score": [70.0, 60.0, 65.0],
            "y_score": [45.0, 40.0, 41.0],
        }
    )
    found = findings.relationship_findings(pairs, "pci", "papi", 2016, 0.95, 1.0, [QN, DN], "vi", "x")
    assert found.sentences == [
        "Năm 2016, 3 tỉnh có cả điểm PCI và điểm PAPI: hệ số tương quan Pearson r = 0,94 (p = 0,212), "
        "Spearman ρ = 1,00 (p = 0,333).",
        "Ở mức tin cậy 95%, hệ số tương quan không khác 0 một cách có ý nghĩa thống kê: với 3 tỉnh này, "
        "số liệu không loại trừ khả năng giữa PCI và PAPI không có quan hệ tuyến tính.",
        "Quảng Ninh năm 2016: PCI 70,00, PAPI 45,00.",
        "Đà Nẵng không có đủ cả điểm PCI và điểm PAPI năm 2016.",
    ]
    coverage = pd.DataFrame(
        {
            "index": ["pci", "pci", "sipas"],
            "year": [2019, 2020, 2020],
            "geography": "provinces_63",
            "indicator": "overall",
            "n_score": [63, 10, 1],
            "n_held": [63, 63, 1],
            "n_ranked": [63, 63, 63],
            "status": ["complete", "ranks_only", "partial"],
        }
    )
    conflicts = pd.DataFrame({"index": ["pci", "pci", "dti"], "year": [2019, 2019, 2020]})
    quality = findings.quality_findings(coverage, conflicts, conflicts.iloc[:0], "en", "x")
    assert quality.sentences == [
        "1 of 3 index-years: the data held have a headline score for every ranked unit; 1 have "
        "every ranked unit but not every score; for the other 1, only part of the list.",
        "PCI: a score held for every ranked unit in 2019.",
        "SIPAS: no year with a score held for every ranked unit (only 2020 held).",
        "Sources disagree on 3 index values (DTI 1 and PCI 2); each disagreement is listed below "
        "with the value used.",
    ]


def _with_steady_units(rows: pd.DataFrame, years: list[int], first_rank: int, n: int = 8) -> pd.DataFrame:
    """``rows`` and ``n`` more units with the same rank in every year (from ``first_rank`` on), so
    that enough units are ranked in both years to name the largest move."""
    from egov_analysis.provinces import provinces

    codes = [c for c in sorted(provinces()) if c not in NAMES][:n]
    NAMES.update({c: provinces()[c].name for c in codes})
    steady = _panel(
        [(y, c, 50.0 - i, first_rank + i) for y in years for i, c in enumerate(codes)],
        n=int(rows["n_ranked"].max()),
    )
    return pd.concat([rows, steady], ignore_index=True)


def test_a_move_of_one_place_is_singular_in_english_and_one_unit_is_not_called_the_most():
    one_place = _panel(
        [(2019, QN, 60.0, 3), (2019, HN, 70.0, 1), (2020, QN, 62.0, 2), (2020, HN, 71.0, 1)], n=20
    )
    one_place = _with_steady_units(one_place, [2019, 2020], first_rank=4)
    assert "Biggest rise: from rank 3 in 2019 to 2 in 2020, 1 place up." in (
        findings.province_sentences(one_place, QN, "en")
    )
    assert (
        "From 2019 to 2020, among the 10 units ranked in both years, Quảng Ninh rose most: 1 place up."
        in (findings.index_sentences(one_place, "en"))
    )
    assert any(s.endswith("tăng 1 bậc.") for s in findings.province_sentences(one_place, QN, "vi"))
    alone = _panel([(2019, QN, 60.0, 3), (2019, HN, 70.0, 1), (2020, QN, 62.0, 2)], n=4)
    sentences = findings.index_sentences(alone, "en")
    assert "From 2019 to 2020, only Quảng Ninh is ranked in both years: rank 3, then 2." in sentences
    assert not any("none of the 1" in s or "among the 1 " in s for s in sentences)
    assert "Từ 2019 đến 2020, chỉ Quảng Ninh có thứ hạng cả hai năm: từ hạng 3 sang hạng 2." in (
        findings.index_sentences(alone, "vi")
    )


def test_one_rule_says_whether_a_year_holds_the_whole_list():
    from egov_analysis.meta.coverage import list_status

    n_score = pd.Series([63, 10, 10, 5, 4])
    published = pd.Series([63, 63, 12, 5, 4])
    n_ranked = pd.Series([63, 63, 63, None, 10], dtype="Int64")
    assert list_status(n_score, published, n_ranked).tolist() == [
        "complete",
        "ranks_only",  # every ranked unit published, most as ranks only
        "partial",  # a top list
        "complete",  # no number ranked known: every published unit has a score
        "partial",
    ]


def test_a_year_with_every_rank_but_few_scores_is_not_called_partial_in_the_rankings():
    ranks_only = _panel([(2020, QN, None, 1), (2020, HN, 70.0, 2), (2020, HP, None, 3), (2020, DN, None, 4)])
    assert findings.year_coverage(ranks_only).loc[0, "status"] == "ranks_only"
    assert not any("part of its list" in s for s in findings.index_sentences(ranks_only, "en"))


def test_two_leaders_rank_first_together_and_a_unit_spelt_two_ways_is_one_unit():
    import unicodedata

    tied = _panel([(2020, QN, 70.0, 1), (2020, HN, 70.0, 1), (2020, HP, 60.0, 3), (2020, DN, 50.0, 4)])
    assert (
        findings.index_sentences(tied, "en")[0]
        == "PCI 2020: Hà Nội and Quảng Ninh rank first with a score of 70.00."
    )
    rows = _panel([(2019, QN, 60.0, 3), (2019, HN, 70.0, 1), (2020, QN, 62.0, 1), (2020, HN, 71.0, 2)], n=20)
    rows = _with_steady_units(rows, [2019, 2020], first_rank=4)
    rows.loc[rows["year"].eq(2019) & rows["province_code"].eq(QN), "province"] = unicodedata.normalize(
        "NFD", "Quảng Ninh"
    )
    sentences = findings.index_sentences(rows, "en")
    assert (
        "From 2019 to 2020, among the 10 units ranked in both years, Quảng Ninh rose most: 2 places up."
        in sentences
    )
    with pytest.raises(TypeError, match="whole number"):
        findings.plural("findings.rise", "en", 1.5)


def _first_quality_sentence(coverage: pd.DataFrame, lang: str) -> str:
    """The first sentence of the quality findings on ``coverage``, with no conflicts."""
    empty = pd.DataFrame({"index": [], "year": []})
    return findings.quality_findings(coverage, empty, empty, lang, "x").sentences[0]


def _pci_2019_complete_2020_partial() -> pd.DataFrame:
    """Coverage rows: PCI 2019 with every score held, 2020 with 10 of 63."""
    return coverage_rows("pci", [2019, 2020], [63, 10], [63, 63], ["complete", "partial"])


def test_the_count_of_index_years_covers_every_geography_as_the_coverage_chart_does():
    coverage = pd.DataFrame(
        {
            "index": ["dti", "dti"],
            "year": [2024, 2024],
            "geography": ["provinces_63", "units_34"],
            "indicator": "overall",
            "n_score": [63, 34],
            "n_held": [63, 34],
            "n_ranked": [63, 34],
            "status": ["complete", "complete"],
        }
    )
    first = _first_quality_sentence(coverage, "en")
    assert first.startswith("2 of 2 index-years: the data held have a headline score for every ranked unit")


def test_a_move_over_editions_without_a_value_says_so():
    rows = _panel([(2012, QN, 60.0, 4), (2012, HN, 70.0, 1), (2015, QN, 62.0, 3), (2015, HN, 71.0, 2)])
    sentences = findings.province_sentences(rows, QN, "en")
    rise = sentences.index("Biggest rise: from rank 4 in 2012 to 3 in 2015, 1 place up.")
    assert sentences[rise + 1] == "No rank is held for the editions between them (2013–2014)."
    consecutive = _panel([(2019, QN, 60.0, 3), (2019, HN, 70.0, 1), (2020, QN, 62.0, 2), (2020, HN, 71.0, 1)])
    assert not any("between them" in s for s in findings.province_sentences(consecutive, QN, "en"))


def test_the_quality_count_leaves_out_a_status_no_year_has():
    first = _first_quality_sentence(_pci_2019_complete_2020_partial(), "vi")
    assert "0 cặp" not in first and first.endswith("1 cặp còn lại chỉ có một phần danh sách.")


def test_vietnamese_reviewer_wording_for_partial_lists_and_index_years():
    # a Vietnamese reader must not take "không nằm trong 2/4 đơn vị được xếp hạng" for "not ranked":
    # the sentence says what the data held have, then that the province is not among them
    assert findings.province_sentences(ROWS, HN, "vi")[0] == (
        "PCI 2021: dữ liệu đang lưu chỉ có 2/4 đơn vị được xếp hạng, trong đó không có Hà Nội; giá trị "
        "gần nhất đang lưu là hạng 3/4 (năm 2020)."
    )
    first = _first_quality_sentence(_pci_2019_complete_2020_partial(), "vi")
    assert first.startswith("1/2 cặp chỉ số – năm:") and "1 cặp còn lại" in first
    assert "lượt" not in first


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_year_the_publisher_left_the_province_out_is_not_called_a_gap_in_the_data_held(lang):
    # PAPI 2023 ranked 61 provinces, Quảng Ninh not among them; 2021: only a partial list is held
    rows = _panel(
        [
            (2020, QN, 48.0, 1),
            (2020, HN, 40.0, 2),
            (2020, HP, 39.0, 3),
            (2021, HN, 41.0, 1),
            (2022, QN, 47.0, 1),
            (2023, HN, 42.0, 1),
            (2023, HP, 41.0, 2),
        ],
        index="papi",
        n=3,
    )
    rows.loc[rows["year"].eq(2023), "n_ranked"] = 2  # the edition ranked two units that year
    sentences = findings.province_sentences(rows, QN, lang)
    if lang == "en":
        assert "The data held have no PAPI value for Quảng Ninh for 2021." in sentences
        assert (
            "PAPI gave no value for Quảng Ninh in 2023: for each of those years the data held have every "
            "unit ranked, and Quảng Ninh is not among them." in sentences
        )
    else:
        assert "Dữ liệu đang lưu không có giá trị PAPI của Quảng Ninh năm 2021." in sentences
        assert (
            "PAPI không công bố giá trị của Quảng Ninh năm 2023: với mỗi năm đó, dữ liệu đang lưu có đủ mọi "
            "đơn vị được xếp hạng, và Quảng Ninh không nằm trong số đó." in sentences
        )


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_edition_notes_that_open_alike_say_the_opening_once(lang):
    # the PAPI page repeated "PAPI xếp hạng 63 tỉnh; tệp điểm …" four times in one sentence
    sentence, files = findings._released("papi", "provinces_63", [2014, 2018, 2022, 2024], lang)
    opening = {"en": "PAPI ranked 63 provinces", "vi": "PAPI xếp hạng 63 tỉnh"}[lang]
    assert (
        sentence.count(opening) == 1
        and fmt.year_span([2014, 2018, 2024], lang) in sentence
        and "(2022)" in sentence
    )
    # what the file read lacks is its own sentence, said to be about the file, not the release
    heading = {"en": "About the file the project read", "vi": "Về tệp dữ liệu nhóm egov-analysis đã đọc"}
    assert heading[lang] in files
    for year in ("(2014)", "(2018)", "(2022)", "(2024)"):
        assert year in files
    assert "Tiền Giang" in files and "Tiền Giang" not in sentence


def test_a_computed_score_in_a_relationship_carries_the_mark_in_findings_and_table():
    # the PAPI total is a sum the project computed: "PAPI 32,98" stood bare beside "hạng 62/63†"
    from egov_analysis.reporting import sections

    pairs = pd.DataFrame(
        {
            "province_code": [QN, HN, DN],
            "province": ["Quảng Ninh", "Hà Nội", "Đà Nẵng"],
            "x_score": [70.0, 60.0, 65.0],
            "y_score": [45.0, 40.0, 41.0],
            "x_score_basis": ["published"] * 3,
            "y_score_basis": ["derived: sum of dimensions"] * 3,
        }
    )
    found = findings.relationship_findings(pairs, "pci", "papi", 2016, 0.95, 1.0, [QN, DN], "vi", "x")
    assert "Quảng Ninh năm 2016: PCI 70,00, PAPI 45,00†." in found.sentences
    table = sections.relationship_table(pairs, [QN, DN], "pci", "papi", "vi")
    text = table._repr_html_()
    assert "45,00†" in text and "70,00†" not in text
    # the findings' order (the highlight order), not a code-point sort putting "Đà Nẵng" last
    assert text.index("Quảng Ninh") < text.index("Đà Nẵng")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_coverage_charts_alt_text_counts_the_index_years_the_findings_count(
    lang, real_processed, tmp_path
):
    """One count for one quantity (reviewer's N1): an index-year held whose number of units ranked
    no source gives (ICT 2006) has no share; the chart draws it dotted, not as "not held", and
    counts it among the index-years held, as the data-quality finding does."""
    from egov_analysis import plots
    from egov_analysis.analysis import quality
    from egov_analysis.datasets import load
    from egov_analysis.plots import DrawingContext

    coverage = load("coverage", real_processed)
    overview = quality.coverage_overview(coverage)
    assert ("ict", "provinces_63", 2006) in overview.attrs["share_unknown"]
    chart = plots.coverage_chart(DrawingContext(lang=lang, out_dir=tmp_path), overview)
    total = len(coverage[coverage["indicator"].eq("overall")])
    first = _first_quality_sentence(coverage, lang)
    held = f" of {total} index-years" if lang == "en" else f"/{total} cặp chỉ số – năm"
    assert held in chart.alt_text and (f"of {total} index-years" in first or f"/{total}" in first)
    assert set(
        chart.data.loc[chart.data["year"].eq(2006) & chart.data["index"].eq("ict"), "cell_status"]
    ) == {"share_unknown"}
