"""One theme for every chart: colour-blind-safe colours, a font with Vietnamese diacritics,
deterministic SVG output, and the chart words of the message catalogue (``chart.*``)."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
from babel.numbers import format_decimal
from cycler import cycler

from ..meta import messages

# Okabe & Ito (2008), safe for the common forms of colour blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
CONTEXT = "#B8B8B8"
MISSING = "#EDEDED"
BREAK = "#444444"
SEQUENTIAL = "cividis"  # perceptually uniform and readable with colour-vision deficiency
TIER_COLOURS = {  # PCI tiers as VCCI prints them (data values), best to worst
    "Rất tốt": "#0072B2",
    "Tốt": "#56B4E9",
    "Khá": "#009E73",
    "Trung bình": "#E69F00",
    "Tương đối thấp": "#D55E00",
    "Thấp": "#CC79A7",
}
# Colours for the highlighted lines when several are highlighted (HIGHLIGHT first).
HIGHLIGHTS = [HIGHLIGHT, "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#000000"]

THEME: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib; covers Vietnamese
    "text.parse_math": False,  # labels come from data: "2,5 triệu US$" is text, never mathtext
    "axes.prop_cycle": cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "figure.dpi": 150,  # the saved dpi: text is measured as it will be drawn (hinting is not linear)
    "savefig.dpi": 150,
    "svg.hashsalt": "egov-analysis",  # stable SVG ids: identical builds, identical files
    "svg.fonttype": "path",
}


def apply_theme() -> None:
    """Set the project's matplotlib defaults (called by every chart function)."""
    mpl.rcParams.update(THEME)  # type: ignore[arg-type]  # rcParams is typed by key


def word(key: str, lang: str, /, **fields: Any) -> str:
    """The chart message ``chart.<key>`` of the catalogue in ``lang``, formatted with ``fields``."""
    return messages.text(f"chart.{key}", lang, **fields)


def label(key: str, lang: str = "en", **fields: Any) -> str:
    """Former name of :func:`word` (kept for notebooks written against it)."""
    return word(key, lang, **fields)


def number(value: float, lang: str, digits: int = 0) -> str:
    """``value`` written the way ``lang`` writes numbers (Babel: ``1,234.5`` / ``1.234,5``)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def join_words(items: list[str], lang: str) -> str:
    """``a, b and c`` / ``a, b và c``: a list as a sentence of ``lang`` writes it."""
    if len(items) <= 1:
        return "".join(items)
    return word("list_join", lang, head=", ".join(items[:-1]), last=items[-1])
