"""The data download carries a Vietnamese data dictionary: every table, column, unit and allowed
value of the field registry described in Vietnamese, column names as in the CSV files."""

from __future__ import annotations

import zipfile

import pytest

from egov_analysis import fields
from egov_analysis import translated_dictionary as td
from egov_analysis.reporting.index_page import write_data_zip


def test_every_description_unit_and_value_of_the_registry_is_translated():
    assert td.untranslated("vi") == []


def test_no_translation_is_left_over_from_a_text_the_registry_no_longer_has():
    assert sorted(set(td.translations("vi")) - set(td.needed())) == []


def test_the_vietnamese_dictionary_keeps_column_names_and_says_the_rest_in_vietnamese():
    page = td.data_dictionary_in("vi")
    for table in fields.TABLES.values():
        assert f"## `{table.name}`" in page
        for f in table.fields:
            assert f"| `{f.name}` |" in page
            assert f.description not in page or f.description in td.translations("vi").values()
    assert "`ranks_only`: chỉ đủ thứ hạng" in page and "Khóa duy nhất: `index`, `year`" in page


def test_a_text_with_no_translation_is_named(monkeypatch):
    monkeypatch.setattr(td, "translations", lambda lang: {})
    with pytest.raises(
        td.MissingTranslationError, match=r"dictionary_vi.csv has no table 'Every published value"
    ):
        td.data_dictionary_in("vi")


def test_the_data_download_carries_the_dictionary_in_both_languages(project_paths):
    project_paths.processed.mkdir(parents=True)
    (project_paths.processed / "indices.csv").write_text("index,year\npci,2024\n", encoding="utf-8")
    with zipfile.ZipFile(write_data_zip(project_paths)) as archive:
        assert archive.read("data_dictionary.md").decode().startswith("# Data dictionary")
        assert archive.read("data_dictionary.vi.md").decode().startswith("# Từ điển dữ liệu")
