"""Text from parameters and data, made safe to put into Markdown: it reads as the same characters
and never becomes markup (``<script>`` stays text, ``*x*`` is not emphasis, ``[a](b)`` no link).

Characters are written as HTML character references, which CommonMark (and the Markdown renderer
of nbconvert) decodes back to the character and escapes on output; backslash escapes are not used
because nbconvert reads ``\\[`` and ``\\(`` as the start of a formula.
"""

from __future__ import annotations

from ..formatting import plain_markdown  # one implementation, below the analysis layer

__all__ = ["plain_markdown"]
