"""The message catalogue: every language has the keys of English, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from egov_analysis import config
from egov_analysis.meta import messages


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_are_en_and_vi():
    assert {"en", "vi"} <= set(messages.languages())


def _families(catalogue: dict[str, str]) -> dict[str, set[str]]:
    """Message families (a plural message's forms together) and the placeholders of their forms."""
    out: dict[str, set[str]] = {}
    for key, template in catalogue.items():
        out.setdefault(messages.plural_family(key, catalogue), set()).update(_fields(template))
    return out


@pytest.mark.parametrize("lang", [lang for lang in messages.languages() if lang != "en"])
def test_every_language_has_the_english_keys_and_placeholders(lang):
    en, other = _families(messages.catalogue("en")), _families(messages.catalogue(lang))
    assert set(other) == set(en), (
        f"keys only in en: {set(en) - set(other)}; only in {lang}: {set(other) - set(en)}"
    )
    for key, fields in en.items():
        assert other[key] == fields, key


def test_a_plural_message_takes_the_form_its_language_uses_for_the_count():
    fields = {"before": 4, "from_year": 2016, "after": 3, "to_year": 2019}
    assert messages.plural("findings.rise", "en", 1, places="1", **fields).endswith("1 place up.")
    assert messages.plural("findings.rise", "en", 2, places="2", **fields).endswith("2 places up.")
    vi_one = messages.plural("findings.rise", "vi", 1, places="1", **fields)
    assert vi_one == messages.catalogue("vi")["findings.rise.other"].format(places="1", **fields)
    with pytest.raises(messages.MissingMessageError, match=r"chart\.rank.*'other'"):
        messages.plural("chart.rank", "en", 1)


# words a Vietnamese reader stumbles on (a reviewer's read): a palette is not a heat map, VCCI and
# UNDP are organisations, not state agencies, and page machinery is not named in English
VI_MISWORDED = {
    "bảng màu": "biểu đồ nhiệt",
    "cơ quan công bố": "tổ chức công bố",
    "script": "JavaScript (a browser that runs no scripts)",
    "tin cậy conformal": "khoảng tin cậy theo phương pháp conformal",
    "và tỉnh ở giữa": "mức trung vị (the median is a score, not a province)",
    "tỉnh ở giữa (trung vị)": "điểm trung vị (a score column)",
}


def test_the_vietnamese_catalogue_uses_the_words_a_vietnamese_reader_expects():
    catalogue = messages.catalogue("vi")
    found = {
        key: word
        for key, value in catalogue.items()
        for word in VI_MISWORDED
        if word in value.casefold().replace("javascript", "")
    }
    assert not found, {key: f"{word} → {VI_MISWORDED[word]}" for key, word in found.items()}


def test_the_vietnamese_catalogue_never_calls_egov_analysis_a_du_an():
    # "dự án" is the province's projects ("7 dự án, nhiệm vụ"); the atlas's makers are
    # "nhóm egov-analysis", so "số do dự án tính toán" is never read as the projects' own figure
    import re

    agent = re.compile(r"\b(do|mà|của|liệu) dự án\b|\bdự án (đang|đã|tính|không|bắt)")
    catalogue = messages.catalogue("vi")
    assert {k: v for k, v in catalogue.items() if agent.search(v)} == {}
    assert catalogue["tables.computed_legend"].startswith("† số do nhóm egov-analysis tính toán")
    # nor do the Vietnamese texts kept as data: the data dictionary and the reasons for a refusal
    for name in ("dictionary_vi.csv", "refused_hosts.csv"):
        text = (config.PACKAGE_DIR / "meta" / name).read_text("utf-8")
        assert not agent.search(text), (name, agent.search(text))


def test_a_count_of_years_in_the_programme_messages_has_an_english_singular():
    # "the interval includes zero in 1 of 1 years": a study from any start year can have one
    # post-period year, so every such message is a plural one whose "one" form says "year"
    catalogue = messages.catalogue("en")
    # not {n_pre}: the analysis refuses fewer than three pre-period years
    counted = re.compile(r"\{(?!n_pre\})\w+\} (?:post-period )?years\b")
    bare = [
        k
        for k, v in catalogue.items()
        if k.startswith("programme.") and counted.search(v) and messages.plural_family(k, catalogue) == k
    ]
    assert not bare, bare
    ones = [k for k in catalogue if k.startswith("programme.") and k.endswith(".one")]
    assert all(not counted.search(catalogue[k]) for k in ones), ones
    families = {messages.plural_family(k, catalogue) for k, v in catalogue.items() if counted.search(v)}
    assert {"programme.scm.intervals", "programme.chart.alt_scm_intervals"} <= families


@pytest.mark.parametrize(("lang", "word"), [("en", "published"), ("vi", "đã công bố")])
def test_the_site_footer_and_the_claims_check_speak_of_the_values_held(lang, word):
    """Values held include third parties' compilations and the project's sums: the footer and the
    claims check never call them "published" (the final reviewer read)."""
    catalogue = messages.catalogue(lang)
    keys = ["site.footer_note", *(k for k in catalogue if k.endswith((".claims", ".source_coverage")))]
    keys += [k for k in catalogue if k.endswith((".matches", ".disagrees"))]
    assert {k: catalogue[k] for k in keys if word in catalogue[k]} == {}
