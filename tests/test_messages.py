"""The message catalogue: every language has the keys of English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from egov_analysis.meta import messages


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_are_en_and_vi():
    assert {"en", "vi"} <= set(messages.languages())


@pytest.mark.parametrize("lang", [lang for lang in messages.languages() if lang != "en"])
def test_every_language_has_the_english_keys_and_placeholders(lang):
    en, other = messages.catalogue("en"), messages.catalogue(lang)
    assert set(other) == set(en), (
        f"keys only in en: {set(en) - set(other)}; only in {lang}: {set(other) - set(en)}"
    )
    for key, template in en.items():
        assert _fields(other[key]) == _fields(template), key


def test_text_formats_and_names_what_is_missing():
    assert messages.text("chart.title_year", "vi", what="PCI", year=2024) == "PCI năm 2024"
    with pytest.raises(messages.MissingMessageError, match=r"no\.such\.key.*'vi'"):
        messages.text("no.such.key", "vi")
    with pytest.raises(messages.UnknownLanguageError, match=r"'fr'.*en, vi"):
        messages.text("chart.rank", "fr")


def test_section_strips_the_prefix():
    assert messages.section("chart", "vi")["rank"] == "Thứ hạng"
