"""Tables for people: display names, no index column, "not published", billion VND, publisher's
precision, ranks as "4 / 63", locale numbers (Babel), sources under the table, stable HTML."""

from __future__ import annotations

import html as html_module
import re

import pandas as pd
import pytest
from support import coverage_rows

from egov_analysis import formatting as fmt
from egov_analysis.meta.messages import text
from egov_analysis.tables import Column, display_frame, people_table

FRAME = pd.DataFrame(
    {
        "index": ["pci", "dti"],
        "indicator": ["business_support_services", "overall"],
        "province": ["Quảng Ninh", "Đà Nẵng"],
        "score": [58.264652000000005, None],
        "rank": [4, None],
        "n_ranked": [63, 63],
        "amount_vnd": [646_000_000_000, 1_234_500_000_000],
        "source_url": ["https://www.pcivietnam.vn/a", "https://dti.gov.vn/b"],
    }
).astype({"score": "Float64", "rank": "Int64"})

COLUMNS = [
    Column("index", "tables.column.index", kind="name", names="index"),
    Column("indicator", "tables.column.indicator", kind="indicator", index_column="index"),
    Column("province", "tables.column.province"),
    Column("score", "tables.column.score", kind="score", index_column="index"),
    Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked"),
    Column("amount_vnd", "tables.column.field", kind="amount"),
]


def test_cells_in_english():
    shown = display_frame(FRAME, COLUMNS, "en")
    assert list(shown.columns) == ["Index", "Indicator", "Province", "Score", "Rank", "Value"]
    assert shown.iloc[0].tolist() == [
        "PCI",
        "Business support services (business support policy from 2017)",
        "Quảng Ninh",
        "58.26",
        "4 / 63",
        "646.0 billion VND",
    ]
    assert shown.iloc[1].tolist() == [
        "DTI",
        "DTI",
        "Đà Nẵng",
        "not held",
        "not held",
        "1,234.5 billion VND",
    ]


def test_cells_in_vietnamese_use_decimal_comma_and_thousands_dot():
    shown = display_frame(FRAME, COLUMNS, "vi")
    assert shown.iloc[0].tolist() == [
        "PCI",
        "Dịch vụ hỗ trợ doanh nghiệp (chính sách hỗ trợ doanh nghiệp từ năm 2017)",
        "Quảng Ninh",
        "58,26",
        "4/63",
        "646,0 tỷ đồng",
    ]
    assert shown.iloc[1, 3] == "chưa có trong dữ liệu đang lưu"
    assert shown.iloc[1, 5] == "1.234,5 tỷ đồng"
    assert fmt.number(1234567.891, "vi", 2) == "1.234.567,89"
    assert fmt.score(0.74839, "dti", "vi") == "0,7484"


def test_html_has_no_index_column_and_sources_under_the_table():
    table = people_table(FRAME, COLUMNS, "vi", sources=FRAME["source_url"], notes=["một ghi chú"])
    html = table.as_raw_html()
    header = re.search(r"<tr class=\"gt_col_headings\">(.*?)</tr>", html, re.S).group(1)
    assert header.count("<th") == len(COLUMNS)
    first_row = re.search(r"<tbody[^>]*>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert first_row.count("<td") == len(COLUMNS)  # no pandas index cell
    assert (
        'Nguồn: <a href="https://dti.gov.vn/b">dti.gov.vn</a> (trang web của tổ chức công bố), '
        '<a href="https://www.pcivietnam.vn/a">' in html
    )
    assert "Ghi chú: một ghi chú" in html
    for bad in ("nan", "<NA>", "None", "http://fonts", "<script"):
        assert bad not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    assert (
        people_table(FRAME, COLUMNS, "vi").as_raw_html() == people_table(FRAME, COLUMNS, "vi").as_raw_html()
    )


def test_a_missing_display_name_or_column_is_refused_not_shown_raw():
    with pytest.raises(KeyError, match=r"names\.index\.no_such_index.*'en'"):
        display_frame(FRAME.assign(index="no_such_index"), COLUMNS[:1], "en")
    with pytest.raises(KeyError, match=r"'region'.*not in the frame"):
        display_frame(FRAME, [Column("region", "tables.column.region")], "en")
    with pytest.raises(ValueError, match="kind 'bar'"):
        Column("x", "tables.column.year", kind="bar")
    with pytest.raises(ValueError, match="needs index="):
        Column("score", "tables.column.score", kind="score")


def test_years_run_together():
    assert fmt.year_span([2015, 2007, 2008, 2009, 2010, 2011, 2012, 2013], "en") == "2007–2013 and 2015"
    assert fmt.join(["PCI", "PAPI", "DTI"], "vi") == "PCI, PAPI và DTI"


def test_two_years_are_joined_as_the_language_writes_a_list():
    """Review L5: "breaks in 2006, 2017" reads as a fragment; a list of years is a list."""
    assert fmt.year_span([2017, 2006], "en") == "2006 and 2017"
    assert fmt.year_span([2006, 2017], "vi") == "2006 và 2017"
    assert fmt.year_span([2006, 2010, 2011, 2017], "vi") == "2006, 2010–2011 và 2017"
    said = text("findings.break_index", "vi", index="PCI", year=fmt.year_span([2006, 2017], "vi"), first=2017)
    assert "năm 2006 và 2017" in said


def test_text_and_urls_from_the_data_are_escaped_and_only_http_links_are_links():
    hostile = pd.DataFrame(
        {
            "province": ["<script>alert(1)</script>"],
            "source_url": ['https://x.vn/a"><script>alert(2)</script>'],
            "other": ["javascript:alert(3)"],
        }
    )
    columns = [
        Column("province", "tables.column.province"),
        Column("source_url", "tables.column.source", kind="link"),
        Column("other", "tables.column.other_source", kind="link"),
    ]
    page = people_table(
        hostile, columns, "en", sources=hostile["source_url"], notes=["<b>x</b>"]
    ).as_raw_html()
    assert "<script>alert(" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)" in page and "Note: &lt;b&gt;x&lt;/b&gt;" in page
    assert 'href="https://x.vn/a&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;">x.vn</a>' in page
    assert 'href="javascript' not in page and "javascript:alert(3)" in page


def test_the_coverage_table_counts_published_units_as_the_rankings_do_and_names_each_status():
    from egov_analysis.reporting.sections import coverage_table

    coverage = pd.DataFrame(
        {
            "index": ["dti", "dti", "dti"],
            "year": [2020, 2021, 2022],
            "geography": "provinces_63",
            "indicator": "overall",
            "n_score": [10, 20, 63],
            "n_held": [18, 63, 63],  # DTI 2020: 10 scores and 18 ranks held
            "n_ranked": [63, 63, 63],
            "status": ["partial", "ranks_only", "complete"],
        }
    )
    html = coverage_table(coverage, "en").as_raw_html()
    assert "18 of 63 in 2020" in html and "10 of 63" not in html
    assert "Years with every ranked unit but not every score" in html and ">2021<" in html
    only_two = coverage_table(coverage[coverage["year"].ne(2021)], "vi").as_raw_html()
    assert "không đủ điểm số" not in only_two and "2020: 18/63" in only_two


def test_dates_and_build_times_are_written_as_the_language_writes_them():
    assert fmt.date_text("2012-09-28", "vi") == "ngày 28/9/2012"
    assert fmt.date_text("2012-09-28", "en") == "September 28, 2012"
    assert fmt.timestamp_text("2026-11-29 17:35 UTC", "vi") == "17:35 UTC, ngày 29/11/2026"
    assert fmt.timestamp_text("2026-11-29 17:35 UTC", "en") == "November 29, 2026, 17:35 UTC"
    assert fmt.timestamp_text("—", "vi") == "—" and fmt.date_text("2018", "en") == "2018"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_coverage_table_says_what_the_publisher_released_beside_what_is_held(lang):
    """PCI 2023–2024: VCCI ranked 63 provinces but published only the top 30 (meta/index_editions.csv);
    the data held are 6 and 14 of them, and the table says both."""
    from egov_analysis.analysis.findings import released_notes
    from egov_analysis.reporting.sections import coverage_table

    coverage = pd.DataFrame(
        {
            "index": "pci",
            "year": [2022, 2023, 2024],
            "geography": "provinces_63",
            "indicator": "overall",
            "n_score": [63, 4, 14],
            "n_held": [63, 6, 14],
            "n_ranked": [63, 63, 63],
            "status": ["complete", "partial", "partial"],
        }
    )
    (note,) = released_notes("pci", "provinces_63", [2023, 2024], lang)
    assert "30" in note and "2023–2024" in note
    html = coverage_table(coverage, lang).as_raw_html()
    assert html_module.escape(note) in html
    assert released_notes("pci", "provinces_63", [2022], lang) == []


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_coverage_table_gives_the_units_ranked_per_edition_not_one_constant(lang):
    # the table said "63 provinces" for PCI, whose first edition ranked 42 and whose 2006–2008
    # editions ranked 64 (Hà Tây apart): the count is each edition's, from the edition table
    from egov_analysis import meta
    from egov_analysis.reporting.sections import coverage_table

    years = [2005, 2006, 2007, 2008, 2009, 2010]
    ranked = [meta.n_ranked("pci", y, "provinces_63") for y in years]
    assert ranked == [42, 64, 64, 64, 63, 63]
    coverage = pd.DataFrame(
        {
            "index": "pci",
            "year": years,
            "geography": "provinces_63",
            "indicator": "overall",
            "n_score": ranked,
            "n_held": ranked,
            "n_ranked": ranked,
            "status": "complete",
        }
    )
    html = coverage_table(coverage, lang).as_raw_html()
    assert "42 (2005); 64 (2006–2008); 63 (2009–2010)" in html
    assert {"en": "63 provinces", "vi": "63 tỉnh, thành phố"}[lang] not in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_note_on_the_file_read_is_not_shown_as_what_the_publisher_released(lang):
    # PAPI 2024: the publisher ranked 63 provinces; the sub-dimension file the project read lacks
    # two of them. Only the first is what the publisher released
    from egov_analysis.analysis.findings import file_notes, released_notes
    from egov_analysis.reporting.sections import coverage_table

    released = " ".join(released_notes("papi", "provinces_63", [2024], lang))
    (file_note,) = file_notes("papi", "provinces_63", [2024], lang)
    assert "63" in released and "Tiền Giang" not in released
    assert "Tiền Giang" in file_note
    coverage = coverage_rows("papi", [2023, 2024], [61, 61], [61, 63], ["complete", "partial"])
    table = coverage_table(coverage, lang)
    from egov_analysis.meta.messages import text

    cells = table._tbl_data  # the frame the table draws: the released column holds no file note
    released_cells = cells[text("reporting.table.released", lang)]
    assert released_cells.str.contains("63").all() and not released_cells.str.contains("Tiền Giang").any()
    assert "Tiền Giang" in table.as_raw_html()  # said under the table, as a note on the file
    # every file note of the edition table is kept out of its released notes
    from egov_analysis.meta import editions

    for row in editions().itertuples(index=False):
        for column in ("file_note_en", "file_note_vi"):
            note = getattr(row, column)
            if isinstance(note, str) and note:
                assert note not in getattr(row, column.replace("file_note", "coverage_note"))
