"""Turn any real-world spelling of a province name into one comparison key.

The key is ASCII, lower case and without spaces, with administrative prefixes and suffixes removed:
``"TP. Hồ Chí Minh"``, ``"Thành phố Hồ Chí Minh"`` and ``"Ho Chi Minh City"`` all give
``"hochiminh"``. Folding diacritics makes NFC/NFD input and old/new tone-mark placement
(``Hoà``/``Hòa``) compare equal; dropping spaces makes ``Kontum``/``Kon Tum`` equal. The 64 registry
names stay distinct under this key (a test checks it), so folding never merges two provinces.
"""

from __future__ import annotations

import re
import unicodedata

# Leading and trailing words that name the kind of unit, not the unit. Only whole leading/trailing
# token runs are removed, so "Thanh Hóa" (which starts with "thanh") and "Hà Tĩnh" are untouched.
_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("thanh", "pho"),
    ("tinh",),
    ("tp",),
    ("province", "of"),
    ("city", "of"),
)
_SUFFIXES: tuple[tuple[str, ...], ...] = (("province",), ("city",))

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.,;:/()'\"’]+")


def nfc(text: str) -> str:
    """Vietnamese text as stored everywhere in the project: Unicode NFC."""
    return unicodedata.normalize("NFC", text)


# Letters that look like Vietnamese Đ/đ but are other characters (PDF copy-paste, Icelandic eth,
# African D): read as Đ/đ. NFD leaves all of them alone.
LOOKALIKES_OF_D = {
    "\u00d0": "Đ",  # Ð LATIN CAPITAL LETTER ETH
    "\u0189": "Đ",  # Ɖ LATIN CAPITAL LETTER AFRICAN D
    "\u00f0": "đ",  # ð LATIN SMALL LETTER ETH
    "\u0256": "đ",  # ɖ LATIN SMALL LETTER D WITH TAIL
}
_LOOKALIKES = str.maketrans(LOOKALIKES_OF_D)


def fold_lookalikes(text: str) -> str:
    """``text`` with every look-alike of Đ/đ replaced by the Vietnamese letter (U+0110/U+0111)."""
    return text.translate(_LOOKALIKES)


def fold(text: str) -> str:
    """ASCII-fold Vietnamese text: drop combining marks, map đ/Đ (which NFD leaves alone) and
    their look-alikes (Ð, Ɖ, ð, ɖ) to d/D."""
    decomposed = unicodedata.normalize("NFD", fold_lookalikes(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


# The marks Vietnamese letters carry (NFD): tones (grave, acute, hook above, tilde, dot below) and
# vowel marks (circumflex, breve, horn).
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323\u0302\u0306\u031b")


def is_ordinary(ch: str) -> bool:
    """True for a character a Vietnamese or English name is written with: ASCII, đ/Đ, punctuation,
    or a Latin letter with Vietnamese marks only. Anything else in a name (Ð, ɖ, a Cyrillic а) is
    a look-alike."""
    if ch.isascii() or ch in "đĐ" or unicodedata.category(ch)[0] in "PZ":  # dashes and spaces too
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(m in _VIETNAMESE_MARKS for m in marks)


def has_lookalikes(text: str) -> bool:
    """True when ``text`` holds a character that is not :func:`is_ordinary` (NFC first)."""
    return not all(is_ordinary(ch) for ch in nfc(text))


def code_point_differences(given: str, expected: str) -> list[str]:
    """Where two names that may look alike differ, as code points (NFC):
    ``["'Ð' U+00D0 LATIN CAPITAL LETTER ETH where 'Đ' U+0110 LATIN CAPITAL LETTER D WITH STROKE"]``."""
    import difflib

    def describe(text: str) -> str:
        return " ".join(f"{ch!r} U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in text) or "nothing"

    a, b = nfc(given), nfc(expected)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [
        f"{describe(a[i1:i2])} where {describe(b[j1:j2])}"
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def tokens(text: str) -> list[str]:
    """Folded lower-case words of ``text`` with the unit-kind prefixes and suffixes removed."""
    words = [w for w in _SEPARATORS.split(fold(text).lower()) if w]
    changed = True
    while changed and words:
        changed = False
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words, changed = words[n:], True
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words, changed = words[:-n], True
    return words


def key(text: str) -> str:
    """The comparison key of a province spelling (may be empty for blank input)."""
    return "".join(tokens(text))
