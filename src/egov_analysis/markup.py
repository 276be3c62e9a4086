"""Text from parameters and data, made safe to put into Markdown: it reads as the same characters
and never becomes markup (``<script>`` stays text, ``*x*`` is not emphasis, ``[a](b)`` no link).

Characters are written as HTML character references, which CommonMark (and the Markdown renderer
of nbconvert) decodes back to the character and escapes on output; backslash escapes are not used
because nbconvert reads ``\\[`` and ``\\(`` as the start of a formula.
"""

from __future__ import annotations

import html

# the HTML class of a chart's ``<script type="application/json">`` specification: the interactive
# charts write it, the page's vendored renderer finds the charts by it
SPEC_CLASS = "egov-vega-spec"
# what Markdown (and nbconvert's formula reader: $) would act on inside a line
_ACTIVE = {c: f"&#{ord(c)};" for c in "\\`*_[]$|~!#"}


def plain_markdown(text: object) -> str:
    """``text`` as Markdown that renders exactly as ``text`` reads, on one line."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return "".join(_ACTIVE.get(c, c) for c in escaped)
