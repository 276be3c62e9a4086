"""Vietnamese numbers and amounts as printed: "330,9 tỷ đồng", "1.552", ">1000", "~75800",
"1552 (89.9%)", "1.397/1.725", "trên 98%", "40-60", "1 + 14".

Rules (documented, never a silent guess):

- **Qualifiers** (``>``, ``<``, ``≥``, ``≤``, ``~``, ``trên``, ``hơn``, ``gần``, ``khoảng``,
  ``dưới``, ``tới``, ``hơn``) are kept in ``qualifier``, never dropped.
- **Separators.** With both ``.`` and ``,`` the last one is the decimal separator
  (``1.234,5`` and ``1,234.5`` are 1234.5). With one kind only:
  a comma followed by 1, 2 or more than 3 digits, or by digits that do not form groups of
  three, is a decimal comma (``330,9``); a dot that is not followed by groups of exactly three
  digits is a decimal point (``0.703``, ``89.13``). A separator followed by groups of exactly
  three digits (``1.552``, ``1,118``, ``4.695.747``) is a **thousands separator for counts**
  (services, dossiers, procedures…: a count has no fraction) and is **refused as ambiguous**
  for measures (percentages, amounts, index values) — unless the group is led by ``0``
  (``0.703`` is a decimal), or the separator repeats (``4.695.747``), which only a thousands
  separator can.
- **Amounts** in ``tỷ`` / ``billion``, ``triệu`` / ``million``, ``nghìn`` / ``ngàn`` /
  ``thousand`` and ``đồng`` / ``VND`` become whole VND (exactly, with decimal arithmetic):
  ``330,9 tỷ đồng`` → 330 900 000 000.
- **Shares and ratios.** ``1552 (89.9%)`` is a value with a share; ``1.397/1.725`` is a ratio
  (value 1397 of 1725); ``a - b`` between two numbers is a range (no single value);
  ``a + b`` is a sum of parts. ``100 / 90`` with a percent unit is two percentages, not a
  ratio: refused as ambiguous.
- **Compound and mixed scale words.** Scale words multiply (``1,2 nghìn tỷ đồng`` is
  1.2 × 1 000 × 10⁹ = 1 200 000 000 000 VND); number–scale pairs add (``1 tỷ 500 triệu đồng`` is
  1 500 000 000 VND, not 1 000 000 000).
- **Foreign currency** (``USD``, ``US$``, ``$``, ``đô la``, ``EUR``, ``€``) is never VND: the
  amount is carried in its currency (``currency``, ``amount_in_currency``), ``amount_vnd`` empty.
- **A range or a sum with a unit** (``40 - 60 triệu đồng``, ``100 + 20 tỷ đồng``) is a range
  (``low_vnd``, ``high_vnd``) or a sum, never its first number.
- **A count with a scale word** (``3 triệu lượt``) is a count of 3 000 000 (``count_unit``
  "lượt"), not money.
- Text that starts with a word (``Xây dựng chiến lược … giai đoạn 2018-2020``) is text, even
  with numbers inside; a number followed by an unknown word (``5 apples``) is refused.
- Dates (``2012-09-28``, ``2019-04``), periods (``2012-2014``), document numbers
  (``2459/QĐ-UBND``) and words (``not held``) are not numbers: the parser says what they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..meta import VALUE_KINDS
from ..provinces import fold, nfc


class AmbiguousNumberError(ValueError):
    """A number whose meaning the rules cannot decide (e.g. "1.552" as a percentage)."""


class NotANumberError(ValueError):
    """Text that is not a number of any known form."""


QUALIFIERS = {
    ">": ">",
    ">=": ">=",
    "≥": ">=",
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    "~": "~",
    "≈": "~",
    "tren": ">",
    "hon": ">",
    "vuot": ">",
    "gan": "~",
    "khoang": "~",
    "xap xi": "~",
    "duoi": "<",
    "toi": "<=",
    "den": "<=",
}
SCALES = {
    "ty": 10**9,
    "ti": 10**9,
    "billion": 10**9,
    "trieu": 10**6,
    "million": 10**6,
    "nghin": 10**3,
    "ngan": 10**3,
    "thousand": 10**3,
    "dong": 1,
    "vnd": 1,
    "d": 1,
}
# Currencies that are not VND (folded text → ISO code): carried as they are, never as VND.
FOREIGN_CURRENCIES = {"usd": "USD", "us$": "USD", "$": "USD", "do la": "USD", "eur": "EUR", "€": "EUR"}
_FOREIGN = re.compile(r"(usd|us\$|\$|do la|eur|€)")
_SCALE_WORDS = "nghin ty|ty|ti|trieu|nghin|ngan|billion|million|thousand"
_VND_WORDS = r"\b(dong|vnd|d)\b"
KINDS = VALUE_KINDS
MEASURE_UNITS = (
    "%",
    "percent",
    "index",
    "points",
    "point",
    "vnd",
    "dong",
    "ty",
    "trieu",
    "m2",
    "grdp",
    "ratio",
)

_NUMBER = r"[-+]?\d[\d.,]*"
_QUALIFIER_RE = re.compile(
    r"^\s*(>=|<=|≥|≤|>|<|~|≈|tren|hon|vuot|gan|khoang|xap xi|duoi|toi|den)\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class ParsedNumber:
    """What a printed value means. ``kind`` is one of: number, amount, share, ratio, range, sum,
    date, period, document, text."""

    text: str
    kind: str
    value: float | None = None
    qualifier: str | None = None
    amount_vnd: int | None = None
    share_pct: float | None = None
    denominator: float | None = None
    low: float | None = None
    high: float | None = None
    is_percent: bool = False
    currency: str | None = None
    amount_in_currency: float | None = None
    low_vnd: int | None = None
    high_vnd: int | None = None
    count_unit: str | None = None


def _is_measure(unit: str | None) -> bool:
    if not unit:
        return True  # without a unit, no count can be assumed: be strict
    folded = fold(unit).lower()
    return any(u in folded for u in MEASURE_UNITS)


def to_decimal(number: str, unit: str | None = None) -> Decimal:
    """One printed number (no qualifier, no unit) as an exact Decimal, by the separator rules."""
    text = number.strip().replace(" ", "").replace("\u00a0", "")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    if not re.fullmatch(r"\d[\d.,]*", text) or text.endswith((".", ",")):
        raise NotANumberError(f"{number!r} is not a number")
    if "." in text and "," in text:
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        head, _, tail = text.rpartition(decimal_sep)
        if not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})*", head):
            raise NotANumberError(f"{number!r} mixes separators irregularly")
        digits = head.replace(thousands, "") + "." + tail
    elif "." in text or "," in text:
        sep = "." if "." in text else ","
        grouped = re.fullmatch(rf"[1-9]\d{{0,2}}(\{sep}\d{{3}})+", text)
        if grouped and text.count(sep) > 1:
            digits = text.replace(sep, "")  # 4.695.747: only thousands separators repeat
        elif grouped:
            if _is_measure(unit):
                raise AmbiguousNumberError(
                    f"{number!r} with unit {unit!r}: thousands separator or decimal? "
                    "(a grouped number is read as thousands only for counts)"
                )
            digits = text.replace(sep, "")
        elif text.count(sep) > 1:
            raise NotANumberError(f"{number!r} has separators that are not thousands groups")
        else:
            digits = text.replace(sep, ".")
    else:
        digits = text
    try:
        return Decimal(sign + digits)
    except InvalidOperation as err:  # pragma: no cover - the patterns above exclude it
        raise NotANumberError(f"{number!r} is not a number") from err


def _scale(unit_text: str) -> int | None:
    """The product of the scale words of a unit ("nghìn tỷ đồng" → 10¹²); None without any."""
    words = re.findall(r"[a-z$€]+", fold(unit_text).lower())
    scales = [SCALES[w] for w in words if w in SCALES]
    if not scales:
        return None
    product = 1
    for scale in scales:
        product *= scale
    return product


def _other_words(unit_text: str) -> str:
    """The words of a unit that are neither scale words nor currencies ("triệu lượt" → "lượt")."""
    words = [w for w in nfc(unit_text).split() if fold(w).lower() not in SCALES]
    return " ".join(w for w in words if not _FOREIGN.search(fold(w).lower()))


def _currency(text: str) -> str | None:
    match = _FOREIGN.search(fold(text).lower())
    return FOREIGN_CURRENCIES[match.group(1)] if match else None


def _whole(amount: Decimal, raw: str) -> int:
    if amount != amount.to_integral_value():
        raise AmbiguousNumberError(f"{raw!r} is not a whole number of VND")
    return int(amount)


def _with_unit(raw: str, body: str, unit: str | None, qualifier: str | None) -> ParsedNumber | None:
    """Values whose unit words change their meaning: mixed scales, foreign currency, ranges and
    sums with a unit, counts with a scale word. None when the plain rules apply."""
    unit_text = unit or ""
    pairs = re.findall(rf"({_NUMBER})\s*({_SCALE_WORDS})\b", fold(body).lower())
    mixed = re.fullmatch(
        rf"(?:{_NUMBER}\s*(?:{_SCALE_WORDS})\s*)+(?:{_VND_WORDS})?", fold(body).lower().strip()
    )
    if len(pairs) >= 2 and mixed and not _currency(body + " " + unit_text):
        total = sum((to_decimal(n, "vnd") * SCALES[w] for n, w in pairs), Decimal(0))
        return ParsedNumber(raw, "amount", float(total), qualifier, amount_vnd=_whole(total, raw))
    two = re.fullmatch(rf"({_NUMBER})\s*([-–+])\s*({_NUMBER})\s+(.+)", body)
    if two:
        rest = two.group(4)
        scale = _scale(rest)
        currency = _currency(rest)
        if scale is None and currency is None:
            raise NotANumberError(f"{raw!r}: unknown unit {rest!r}")
        low, high = to_decimal(two.group(1), rest), to_decimal(two.group(3), rest)
        if two.group(2) == "+":
            total = (low + high) * (scale or 1)
            if currency:
                return ParsedNumber(
                    raw,
                    "sum",
                    float(low + high),
                    qualifier,
                    currency=currency,
                    amount_in_currency=float(total),
                )
            return ParsedNumber(raw, "sum", float(low + high), qualifier, amount_vnd=_whole(total, raw))
        if currency:
            return ParsedNumber(
                raw, "range", None, qualifier, low=float(low), high=float(high), currency=currency
            )
        if _other_words(rest) and not re.search(_VND_WORDS, fold(rest).lower()):
            return ParsedNumber(
                raw,
                "range",
                None,
                qualifier,
                low=float(low * (scale or 1)),
                high=float(high * (scale or 1)),
                count_unit=_other_words(rest),
            )
        return ParsedNumber(
            raw,
            "range",
            None,
            qualifier,
            low=float(low),
            high=float(high),
            low_vnd=_whole(low * (scale or 1), raw),
            high_vnd=_whole(high * (scale or 1), raw),
        )
    single = re.fullmatch(rf"({_NUMBER})\s*(.*)", body)
    if not single:
        return None
    rest = single.group(2).strip()
    if not rest and not _currency(unit_text):
        return None
    currency = _currency(rest) or (_currency(unit_text) if not rest or _scale(rest) else None)
    if currency:
        number = to_decimal(single.group(1), "amount")
        scale = _scale(rest) or _scale(unit_text) or 1
        return ParsedNumber(
            raw,
            "amount",
            float(number),
            qualifier,
            currency=currency,
            amount_in_currency=float(number * scale),
        )
    count_scale = _scale(rest) if rest else None
    if count_scale and _other_words(rest) and not re.search(_VND_WORDS, fold(rest).lower()):
        count = to_decimal(single.group(1), "count") * count_scale
        return ParsedNumber(raw, "number", float(count), qualifier, count_unit=_other_words(rest))
    return None


def parse(text: str, unit: str | None = None) -> ParsedNumber:
    """Parse one printed value; ``unit`` is the unit column beside it (used by the rules)."""
    raw = nfc(str(text)).strip()
    folded = fold(raw).lower()
    unit_folded = fold(unit or "").lower()
    is_percent = "%" in raw or unit_folded.strip().startswith("%") or "percent" in unit_folded
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", raw):
        return ParsedNumber(raw, "date")
    if re.fullmatch(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d", raw) and not is_percent:
        return ParsedNumber(raw, "period")
    if re.search(r"\d+/[A-ZĐ]", raw):
        return ParsedNumber(raw, "document")
    qualifier = None
    match = _QUALIFIER_RE.match(folded)
    body = raw
    if match:
        qualifier = QUALIFIERS[match.group(1).lower()]
        body = raw[match.end() :]  # folding keeps the length of NFC text
    body = body.strip()
    if not re.search(r"\d", body) or re.match(r"[^\W\d_]{2,}\s", body):
        # no digit, or words first ("Xây dựng … giai đoạn 2018-2020"): a description, not a number
        return ParsedNumber(raw, "text", qualifier=qualifier)

    share = re.fullmatch(rf"({_NUMBER})\s*\(\s*({_NUMBER})\s*%\s*\)", body)
    if share:
        value = to_decimal(share.group(1), unit)
        return ParsedNumber(
            raw, "share", float(value), qualifier, share_pct=float(to_decimal(share.group(2), "%"))
        )
    ratio = re.fullmatch(rf"({_NUMBER})\s*/\s*({_NUMBER})", body)
    if ratio:
        if is_percent:
            raise AmbiguousNumberError(f"{raw!r}: two percentages or a ratio?")
        return ParsedNumber(
            raw,
            "ratio",
            float(to_decimal(ratio.group(1), unit)),
            qualifier,
            denominator=float(to_decimal(ratio.group(2), unit)),
        )
    span = re.fullmatch(rf"({_NUMBER})\s*[-–]\s*({_NUMBER})\s*%?", body)
    if span and not body.startswith(("-", "+")):
        return ParsedNumber(
            raw,
            "range",
            None,
            qualifier,
            low=float(to_decimal(span.group(1), unit)),
            high=float(to_decimal(span.group(2), unit)),
            is_percent=is_percent,
        )
    special = _with_unit(raw, body, unit, qualifier)
    if special is not None:
        return special
    parts = re.fullmatch(rf"({_NUMBER})\s*\+\s*({_NUMBER})", body)
    if parts:
        total = to_decimal(parts.group(1), unit) + to_decimal(parts.group(2), unit)
        return ParsedNumber(raw, "sum", float(total), qualifier, is_percent=is_percent)

    number = re.match(rf"({_NUMBER})\s*(.*)$", body)
    if not number:
        raise NotANumberError(f"{raw!r} is not a number")
    rest = number.group(2).strip()
    if rest == "%":
        is_percent, rest = True, ""
    scale = _scale(rest) if rest else _scale(unit or "")
    if rest and scale is None:
        raise NotANumberError(f"{raw!r}: unknown unit {rest!r}")
    value = to_decimal(number.group(1), rest or unit)
    if scale is not None:
        amount = value * scale
        if amount != amount.to_integral_value():
            raise AmbiguousNumberError(f"{raw!r} is not a whole number of VND")
        return ParsedNumber(raw, "amount", float(value), qualifier, amount_vnd=int(amount))
    return ParsedNumber(raw, "number", float(value), qualifier, is_percent=is_percent)
