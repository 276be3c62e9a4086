"""The index page lists each report's data files by name, in the page's language."""

from egov_analysis.reporting.index_page import download_name


def test_data_files_are_named_in_the_page_language() -> None:
    assert download_name("rank_lines", "vi") == "Thứ hạng qua các năm"
    assert download_name("article_facts", "en") == "Facts of the 2018 article"


def test_a_file_without_a_name_keeps_its_file_name() -> None:
    assert download_name("new_table", "vi") == "new_table"


def test_parameters_are_shown_in_words() -> None:
    from egov_analysis.reporting.index_page import parameter_name, parameter_value

    assert parameter_name("province", "vi") == "Tỉnh"
    assert parameter_value("lang", "vi", "vi") == "tiếng Việt"
    assert parameter_value("highlight", ["Quảng Ninh", "Đà Nẵng"], "vi") == "Quảng Ninh, Đà Nẵng"
    assert parameter_value("geography", "34", "en") == "34 provincial units of 2025"
    assert parameter_name("new_parameter", "en") == "new_parameter"
