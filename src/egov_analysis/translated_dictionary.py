"""The data dictionary in another language than English (the data download's
``data_dictionary.<lang>.md``): the processed tables of the field registry (:mod:`.fields`), column
names as in the CSV files (snake_case), with the descriptions, units and value labels of
``meta/dictionary_<lang>.csv`` (``kind,en,<lang>``: a table's or field's English description, a
unit, or a value as ``<field>=<value>``) and the headings of the catalogue (``dictionary.toml``).
The English dictionary is :func:`.fields.data_dictionary` (``docs/data_dictionary.md``).
"""

from __future__ import annotations

from functools import cache

from . import meta
from .fields import TABLES, Field
from .formatting import year_range
from .meta.messages import text


class MissingTranslationError(KeyError):
    """A description, unit or value of the registry has no translation (the message names it)."""


@cache
def translations(lang: str) -> dict[tuple[str, str], str]:
    """(kind, English text) → its translation, from ``meta/dictionary_<lang>.csv``."""
    return {(r["kind"], r["en"]): r[lang] for r in meta.package_rows(f"dictionary_{lang}.csv")}


def needed() -> list[tuple[str, str]]:
    """Every (kind, English text) the dictionary translates, in registry order."""
    out: dict[tuple[str, str], None] = {}
    for table in TABLES.values():
        out[("table", table.description)] = None
        for f in table.fields:
            out[("field", f.description)] = None
            if f.unit:
                out[("unit", f.unit)] = None
            for value in f.choices:
                out[("value", f"{f.name}={value}")] = None
    return list(out)


def untranslated(lang: str) -> list[str]:
    """What the registry holds that ``meta/dictionary_<lang>.csv`` does not translate."""
    have = translations(lang)
    return [f"{kind}: {english}" for kind, english in needed() if (kind, english) not in have]


def _t(kind: str, english: str, lang: str) -> str:
    try:
        return translations(lang)[(kind, english)]
    except KeyError:
        raise MissingTranslationError(
            f"meta/dictionary_{lang}.csv has no {kind} {english!r}; add a row: {kind},<English>,<{lang}>"
        ) from None


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def _allowed(f: Field, lang: str) -> str:
    if f.choices:
        return "; ".join(f"`{v}`: {_t('value', f'{f.name}={v}', lang)}" for v in f.choices)
    low, high = f.low, f.high
    if low is not None and high is not None:
        return text("dictionary.bounds_both", lang, low=f"{low:g}", high=f"{high:g}")
    if low is not None:
        return text("dictionary.bounds_low", lang, low=f"{low:g}")
    if high is not None:
        return text("dictionary.bounds_high", lang, high=f"{high:g}")
    return ""


def data_dictionary_in(lang: str) -> str:
    """The dictionary of the processed tables in ``lang`` as Markdown. Raises
    :class:`MissingTranslationError` naming the first text with no translation."""
    heads = [text(f"dictionary.{k}", lang) for k in ("column", "type", "unit", "allowed", "description")]
    lines = [f"# {text('dictionary.title', lang)}", "", text("dictionary.intro", lang), ""]
    for table in TABLES.values():
        lines += [f"## `{table.name}`", "", _t("table", table.description, lang), ""]
        if table.key:
            lines += [text("dictionary.key", lang, key=", ".join(f"`{k}`" for k in table.key)), ""]
        lines += ["| " + " | ".join(heads) + " |", "|---|---|---|---|---|"]
        for f in table.fields:
            never = "" if f.nullable else " " + text("dictionary.never_empty", lang)
            unit = _t("unit", f.unit, lang) if f.unit else ""
            description = _t("field", f.description, lang) + never
            cells = [f"`{f.name}`", f.dtype, _cell(unit), _cell(_allowed(f, lang)), _cell(description)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        f"## {text('dictionary.indices', lang)}",
        "",
        "| " + text("dictionary.index_columns", lang) + " |",
    ]
    lines.append("|---|---|---|---|")
    for info in meta.indices().values():
        years = sorted(info.years)
        publisher = info.publishers.get(lang) or info.publisher
        span = year_range(years[0], years[-1])
        lines.append(f"| `{info.index}` | {info.name_in(lang)} | {publisher} | {span} |")
    return "\n".join([*lines, ""])
