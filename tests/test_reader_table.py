"""The programme tables a reviewer reads: people tables, stage names, "not stated" for gaps."""

import pandas as pd
import pytest

from egov_analysis.analysis import phases as ph


def _phases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "phase_id": ["egov_plan_2012_2014", "egov_next_stage_2015"],
            "kind": ["scheme", "stage"],
            "start_year": pd.array([2012, 2015], dtype="Int64"),
            "end_year": pd.array([2014, None], dtype="Int64"),
            "legal_basis": pd.array(["QĐ 2459/QĐ-UBND (2012-09-28)", None], dtype="string"),
            "source_url": ["https://vneconomy.vn/x.htm", "https://baoquangninh.vn/"],
        }
    )


def test_missing_end_year_and_legal_basis_are_not_stated_in_vietnamese() -> None:
    columns = {
        "phase_id": "stage",
        "kind": "kind",
        "start_year": "start_year",
        "end_year": "end_year",
        "legal_basis": "legal_basis",
        "source_url": "source",
    }
    html = ph.reader_table(_phases(), columns, "vi").as_raw_html()
    assert "&lt;NA&gt;" not in html and "<NA>" not in html
    assert html.count("chưa nêu") == 2
    assert "Đề án 2012–2014" in html and "egov_plan_2012_2014" not in html
    assert ">đề án<" in html and ">giai đoạn<" in html
    assert ">vneconomy.vn</a>" in html


def test_stage_ids_become_short_names_once_each() -> None:
    assert ph.stage_names("egov_plan_2012_2014 + egov_scheme_2012_2017", "en") == (
        "Plan 2012–2014, " + ph.stage_names("egov_scheme_2012_2017", "en")
    )
    assert ph.conflict_stages("smart_city: smart_city_2017_2020 / smart_city_2017_2020", "vi") == (
        "Thành phố thông minh"
    )


def test_each_disagreement_on_the_stages_is_one_sentence_once() -> None:
    key = "egov: egov_plan_2012_2014 / egov_scheme_2012_2017"
    pair = {"key": key, "chosen_value": "2012–2014", "other_value": "2012–2017"}
    conflicts = pd.DataFrame(
        [
            {"table": "phases", **pair, "other_source_url": "https://a.vn"},
            {"table": "phases", **pair, "other_source_url": "https://b.vn"},  # the same pair again
            {"table": "budget", "key": "x", "chosen_value": "1", "other_value": "2", "other_source_url": ""},
        ]
    )
    assert ph.stage_conflict_sentences(conflicts, "en") == [
        f"{ph.conflict_stages(key, 'en')}: 2012–2014 and 2012–2017 — both periods are kept, and each "
        "year is labelled with every stage a source places it in."
    ]


def test_a_claim_is_quoted_in_vietnamese_where_the_source_printed_it() -> None:
    claims = pd.DataFrame(
        {
            "claim": ["Claim: PCI 2017 national rank", "Claim: no quote"],
            "quote_vi": pd.array(["năm 2017, PCI đứng thứ nhất", None], dtype="string"),
        }
    )
    vi = ph.reader_table(claims, {"claim": "claim"}, "vi").as_raw_html()
    assert "năm 2017, PCI đứng thứ nhất" in vi and "Claim: PCI 2017" not in vi
    assert "Claim: PCI 2017 national rank" in ph.reader_table(claims, {"claim": "claim"}, "en").as_raw_html()


def test_dates_are_written_as_the_language_writes_them() -> None:
    assert ph.date_text("2018-08-16", "vi") == "ngày 16/8/2018"
    assert ph.date_text("2018-08-16", "en") == "August 16, 2018"
    assert ph.date_text("2018", "vi") == "2018"


def test_a_decisions_date_in_the_legal_basis_is_written_as_the_page_writes_dates() -> None:
    columns = {"phase_id": "stage", "legal_basis": "legal_basis"}
    vi = ph.reader_table(_phases(), columns, "vi").as_raw_html()
    en = ph.reader_table(_phases(), columns, "en").as_raw_html()
    assert "QĐ 2459/QĐ-UBND (ngày 28/9/2012)" in vi and "2012-09-28" not in vi
    assert "QĐ 2459/QĐ-UBND (September 28, 2012)" in en and "2012-09-28" not in en
    assert ph.dates_in_text("NQ 09-NQ/TU (2022-02-05); QĐ 1488/QĐ-UBND (2022-06-08)", "vi") == (
        "NQ 09-NQ/TU (ngày 5/2/2022); QĐ 1488/QĐ-UBND (ngày 8/6/2022)"
    )
    assert ph.dates_in_text("no date here", "en") == "no date here" and ph.dates_in_text(None, "en") is None


def test_outcome_counts_say_how_many_editions_hold_a_value_in_the_languages_plural_form() -> None:
    outcomes = pd.DataFrame(
        {
            "index": ["pci", "pci", "pci", "egov_mic", "papi", "papi"],
            "indicator": ["overall", "overall", "overall", "overall", "e_governance", "overall"],
            "year": [2016, 2017, 2018, 2017, 2018, 2021],
            "status": ["held", "not held", "held", "held", "held", "not held"],
        }
    )
    en = ph.outcome_counts(outcomes, "Quảng Ninh", "en")
    assert en[0] == "PCI: 2 of 3 editions with a value held for Quảng Ninh."
    assert en[1].endswith(": 1 of 1 edition with a value held for Quảng Ninh.")
    assert len(en) == 4 and "0 of 1 edition" in en[3]
    vi = ph.outcome_counts(outcomes, "Quảng Ninh", "vi")
    assert vi[0] == "PCI: dữ liệu đang lưu có giá trị của Quảng Ninh ở 2/3 kỳ đánh giá."
    with pytest.raises(KeyError, match="status"):
        ph.outcome_counts(outcomes.drop(columns="status"), "Quảng Ninh", "en")


def test_a_national_median_is_shown_only_for_a_whole_list() -> None:
    frame = pd.DataFrame(
        {
            "index": ["pci", "pci"],
            "year": pd.array([2022, 2023], dtype="Int64"),
            "national_median": pd.array([64.4, None], dtype="Float64"),
        }
    )
    columns = {"year": "year", "national_median": "national_median"}
    assert "không tính (danh sách chưa đủ)" in ph.reader_table(frame, columns, "vi").as_raw_html()
    en = ph.reader_table(frame, columns, "en").as_raw_html()
    assert "64.40" in en and "none (part of the list)" in en


def test_a_year_before_the_indicator_existed_says_so_in_the_median_column() -> None:
    frame = pd.DataFrame(
        {
            "index": ["papi", "papi"],
            "year": pd.array([2016, 2023], dtype="Int64"),
            "status": ["not in the index yet", "held"],
            "national_median": pd.array([None, None], dtype="Float64"),
        }
    )
    html = ph.reader_table(frame, {"year": "year", "national_median": "national_median"}, "vi").as_raw_html()
    assert "chưa có trong chỉ số" in html and "không tính (danh sách chưa đủ)" in html
