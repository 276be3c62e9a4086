"""The parser of Vietnamese numbers and amounts: examples, every form in the facts, and properties."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov_analysis import config
from egov_analysis.clean.numbers import KINDS, AmbiguousNumberError, NotANumberError, parse, to_decimal

EXAMPLES = [
    # text, unit, kind, value, extra
    ("330,9 tỷ đồng", None, "amount", 330.9, {"amount_vnd": 330_900_000_000}),
    ("86 tỷ đồng", None, "amount", 86.0, {"amount_vnd": 86_000_000_000}),
    ("646", "billion VND", "amount", 646.0, {"amount_vnd": 646_000_000_000}),
    ("1,5 triệu đồng", None, "amount", 1.5, {"amount_vnd": 1_500_000}),
    ("2 nghìn đồng", None, "amount", 2.0, {"amount_vnd": 2_000}),
    ("1.552", "services", "number", 1552.0, {}),
    ("4.695.747", "documents", "number", 4_695_747.0, {}),
    (">1000", "services", "number", 1000.0, {"qualifier": ">"}),
    ("~75800", "dossiers", "number", 75800.0, {"qualifier": "~"}),
    ("khoảng 75.800", "dossiers", "number", 75800.0, {"qualifier": "~"}),
    ("trên 98%", None, "number", 98.0, {"qualifier": ">", "is_percent": True}),
    ("hơn 400", "units", "number", 400.0, {"qualifier": ">"}),
    ("gần 15 tỷ đồng", None, "amount", 15.0, {"qualifier": "~", "amount_vnd": 15_000_000_000}),
    ("1552 (89.9%)", "services", "share", 1552.0, {"share_pct": 89.9}),
    ("1.397/1.725", "procedures", "ratio", 1397.0, {"denominator": 1725.0}),
    ("22/22", "goals", "ratio", 22.0, {"denominator": 22.0}),
    ("40-60", "%", "range", None, {"low": 40.0, "high": 60.0}),
    ("1 + 14", "centres", "sum", 15.0, {}),
    ("0.703", "index 0-1", "number", 0.703, {}),
    ("79,21", "%", "number", 79.21, {}),
    ("1.234,5", None, "number", 1234.5, {}),
    ("1,234.5", None, "number", 1234.5, {}),
    ("+0.2052", "index points", "number", 0.2052, {}),
    ("2012-09-28", "date", "date", None, {}),
    ("2019-04", "month", "date", None, {}),
    ("2012-2014", "period", "period", None, {}),
    ("2459/QĐ-UBND; 2012-09-28", "decision", "document", None, {}),
    ("not held", None, "text", None, {}),
    ("Xây dựng chiến lược chuyển đổi số giai đoạn 2018-2020", None, "text", None, {}),
]


@pytest.mark.parametrize(("text", "unit", "kind", "value", "extra"), EXAMPLES)
def test_examples(text, unit, kind, value, extra):
    parsed = parse(text, unit)
    assert parsed.kind == kind
    assert parsed.value == value
    for field, expected in extra.items():
        assert getattr(parsed, field) == expected


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("1.552", "%"),
        ("1.552", None),
        ("33.000", "billion VND"),
        ("100 / 90", "%"),
        ("1,118", "index 0-1"),
        ("0,5 đồng", None),
    ],
)
def test_ambiguous_values_are_refused(text, unit):
    with pytest.raises(AmbiguousNumberError):
        parse(text, unit)


@pytest.mark.parametrize("text", ["12abc", "1.2.3", "1..2", "5 apples", "1,2,3,4"])
def test_non_numbers_are_refused(text):
    with pytest.raises(NotANumberError):
        parse(text, "services")


def test_every_value_form_of_the_facts_file():
    facts = pd.read_csv(config.paths().raw / "programme" / "facts.csv", dtype=str, keep_default_na=False)
    kinds = {}
    for value, unit in zip(facts["value"], facts["unit"], strict=True):
        try:
            kinds[value] = parse(value, unit or None).kind
        except AmbiguousNumberError:
            kinds[value] = "refused"
    assert kinds["100 / 90"] == "refused"  # two percentages printed as one value
    assert {kinds[v] for v in ("646", "330,9 tỷ đồng", "86 tỷ đồng", ">149")} == {"amount"}
    assert kinds["1552 (89.9%)"] == "share" and kinds["1397/1725"] == "ratio"
    assert kinds["40-60"] == "range" and kinds["1 + 14"] == "sum"
    assert kinds["not held"] == "text" and kinds["2022-02-05"] == "date"
    assert set(kinds.values()) <= set(KINDS)
    assert list(kinds.values()).count("refused") == 1


def _vietnamese(number: Decimal) -> str:
    """Format like a Vietnamese source: thousands dots, decimal comma."""
    whole, _, fraction = f"{number:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


@given(st.integers(min_value=1000, max_value=10**12))
def test_grouped_counts_round_trip(n):
    assert parse(_vietnamese(Decimal(n)), "dossiers").value == float(n)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=9))
def test_amounts_in_ty_are_exact_whole_vnd(whole, tenth):
    text = f"{_vietnamese(Decimal(whole))},{tenth} tỷ đồng"
    parsed = parse(text)
    assert parsed.amount_vnd == whole * 10**9 + tenth * 10**8


@given(
    st.sampled_from(["trên", "hơn", "gần", "khoảng", ">", "~", "<"]), st.integers(min_value=1, max_value=999)
)
def test_qualifiers_are_kept_never_dropped(qualifier, n):
    parsed = parse(f"{qualifier} {n}", "services")
    assert parsed.qualifier is not None and parsed.value == float(n)


@given(st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_comma_and_point_agree(number):
    text = f"{number:f}"
    if "." not in text:
        return
    assert to_decimal(text.replace(".", ","), "%") == to_decimal(text, "%") == Decimal(text)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_single_three_digit_group_is_refused_for_measures(head, group):
    with pytest.raises(AmbiguousNumberError):
        parse(f"{head}.{group:03d}", "%")


# --- amounts whose unit words change their meaning ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "amount_vnd"),
    [
        ("1,2 nghìn tỷ đồng", None, 1_200_000_000_000),
        ("2 nghìn tỷ", None, 2_000_000_000_000),
        ("1,5", "nghìn tỷ đồng", 1_500_000_000_000),
        ("1 tỷ 500 triệu đồng", None, 1_500_000_000),
        ("2 tỷ 50 triệu", None, 2_050_000_000),
        ("3 triệu 200 nghìn đồng", None, 3_200_000),
    ],
)
def test_compound_and_mixed_scale_words_are_whole_vnd(text, unit, amount_vnd):
    parsed = parse(text, unit)
    assert parsed.kind == "amount" and parsed.amount_vnd == amount_vnd and parsed.currency is None


@pytest.mark.parametrize(
    ("text", "unit", "currency", "amount"),
    [
        ("2,5 triệu USD", None, "USD", 2_500_000.0),
        ("5", "million USD", "USD", 5_000_000.0),
        ("10 triệu đô la", None, "USD", 10_000_000.0),
        ("1,2 tỷ US$", None, "USD", 1_200_000_000.0),
        ("3 triệu EUR", None, "EUR", 3_000_000.0),
    ],
)
def test_foreign_currency_is_never_vnd(text, unit, currency, amount):
    parsed = parse(text, unit)
    assert parsed.amount_vnd is None
    assert (parsed.currency, parsed.amount_in_currency) == (currency, amount)


def test_a_range_with_a_unit_is_a_range_not_its_first_number():
    parsed = parse("40 - 60 triệu đồng")
    assert parsed.kind == "range" and parsed.value is None and parsed.amount_vnd is None
    assert (parsed.low_vnd, parsed.high_vnd) == (40_000_000, 60_000_000)
    assert parse("1–2 tỷ đồng").high_vnd == 2_000_000_000


def test_a_sum_with_a_unit_is_the_sum():
    parsed = parse("100 + 20 tỷ đồng")
    assert parsed.kind == "sum" and parsed.amount_vnd == 120_000_000_000


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("3 triệu lượt", 3_000_000.0, "lượt"),
        ("1,2 triệu hồ sơ", 1_200_000.0, "hồ sơ"),
        ("5 nghìn người", 5_000.0, "người"),
    ],
)
def test_a_count_with_a_scale_word_is_a_count_not_money(text, count, unit):
    parsed = parse(text)
    assert parsed.kind == "number" and parsed.amount_vnd is None
    assert (parsed.value, parsed.count_unit) == (count, unit)


def test_a_count_range_with_a_scale_word_is_a_range_of_counts():
    parsed = parse("2 - 3 triệu lượt")
    assert parsed.kind == "range" and (parsed.low, parsed.high) == (2_000_000.0, 3_000_000.0)
    assert parsed.low_vnd is None and parsed.count_unit == "lượt"
