"""The message catalogue: every word a reader sees, one TOML tree per language.

``meta/messages/<lang>/*.toml`` hold the catalogue of one language; each file is a family of
messages (charts, findings, tables, programme, reporting …) so that a new chart kind or report
adds a file, not a branch in code. Keys are dotted (``chart.rank``); values are ``str.format``
templates. Every language has exactly the keys of English (checked by the tests), so a new
language is a new folder of files, and nothing in ``src/`` branches on the language.

A message whose words depend on a number is a table of CLDR plural forms (``[findings.rise]`` with
``one = "… {places} place up."`` and ``other = "… {places} places up."``), read with
:func:`plural`; each language writes the forms its grammar has (Vietnamese only ``other``), and
Babel's plural rules choose one.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_LANG = "en"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR plural categories


class UnknownLanguageError(ValueError):
    """A language with no catalogue folder."""


class MissingMessageError(KeyError):
    """A message key absent from a language's catalogue."""


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str], origin: str) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(name, value, out, origin)
        elif isinstance(value, str):
            if name in out:
                raise ValueError(f"{origin}: message {name!r} is defined twice")
            out[name] = unicodedata.normalize("NFC", value)
        else:
            raise ValueError(f"{origin}: message {name!r} is not text: {value!r}")


@cache
def languages() -> tuple[str, ...]:
    """The languages that have a catalogue, sorted (``("en", "vi")``); read once per process, as
    the catalogues are (a reports file's matrix asks for every report it expands)."""
    root = resources.files(__package__).joinpath("messages")
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang`` by dotted key.

    Raises :class:`UnknownLanguageError` naming the known languages, and ``ValueError`` naming the
    file for a key defined twice or a value that is not text."""
    if lang not in languages():
        raise UnknownLanguageError(
            f"no message catalogue for language {lang!r}; known: {', '.join(languages())}"
        )
    folder = resources.files(__package__).joinpath("messages", lang)
    out: dict[str, str] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            _flatten("", tomllib.loads(item.read_text(encoding="utf-8")), out, f"messages/{lang}/{item.name}")
    return out


def text(key: str, lang: str = DEFAULT_LANG, /, **fields: Any) -> str:
    """The message ``key`` in ``lang``, formatted with ``fields``.

    Raises :class:`MissingMessageError` naming the key and the language."""
    try:
        template = catalogue(lang)[key]
    except KeyError:
        raise MissingMessageError(f"message {key!r} is missing from the {lang!r} catalogue") from None
    return template.format(**fields) if fields else template


def section(prefix: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The messages under ``prefix`` (``section("chart", "vi")``), keyed by the rest of the key."""
    start = prefix.rstrip(".") + "."
    return {k[len(start) :]: v for k, v in catalogue(lang).items() if k.startswith(start)}


def plural_family(key: str, keys: Mapping[str, str] | set[str]) -> str:
    """``key`` without its plural form (``findings.rise.one`` → ``findings.rise``) when it is one
    form of a plural message (a family with an ``other`` form); else ``key`` itself."""
    family, _, form = key.rpartition(".")
    return family if form in PLURAL_FORMS and f"{family}.other" in keys else key


def plural(key: str, lang: str, count: int, /, **fields: Any) -> str:
    """The form of the plural message ``key`` that ``lang`` uses for ``count`` (Babel's CLDR
    rules: English ``one`` for 1, ``other`` otherwise; Vietnamese always ``other``), formatted
    with ``fields`` (the count itself is passed as a field, formatted, by the caller).

    Raises :class:`MissingMessageError` when the language has no ``other`` form of ``key``."""
    from babel import Locale

    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"plural message {key!r}: the count must be a whole number, not {count!r}")
    forms = catalogue(lang)
    chosen = f"{key}.{Locale.parse(lang).plural_form(abs(count))}"
    if chosen not in forms:
        chosen = f"{key}.other"
    if chosen not in forms:
        raise MissingMessageError(f"plural message {key!r} has no 'other' form in the {lang!r} catalogue")
    return forms[chosen].format(**fields)
