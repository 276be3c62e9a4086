"""The message catalogue: every language has the keys of English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

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
