"""Chart text that matplotlib shows as written: a ``$`` in a label ("2,5 triệu US$") would
otherwise start mathtext and garble the text or raise. Call :func:`plain_label` on any text
that comes from data or the message catalogue before it reaches a title, label or annotation.
"""

from __future__ import annotations


def plain_label(text: str) -> str:
    """``text`` with every ``$`` escaped so matplotlib never reads it as mathtext."""
    return text.replace("\\$", "$").replace("$", "\\$")
