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


def fold(text: str) -> str:
    """ASCII-fold Vietnamese text: drop combining marks, map đ/Đ (which NFD leaves alone) to d/D."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


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
