"""What a chart function returns, and the context it draws in.

:class:`DrawingContext` holds what every chart of a report shares (language, output folder) and is
passed once to each chart function. A chart function returns a :class:`Chart` (the figure, the data
it shows, its footer, its alt text and the files written) or, when the data hold nothing a chart
could show, a :class:`NoChart` with one sentence saying why. Both display themselves in Jupyter: a
``Chart`` as ``<img alt="…">`` with the PNG inlined, a ``NoChart`` as its sentence.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..meta import messages
from .layout import DrawnTextCheck, TextProblem, text_problems
from .theme import word

CHART_METADATA = "egov_chart"  # key of a displayed chart's output metadata


@dataclass(frozen=True)
class DrawingContext:
    """Language of every word on the charts (a catalogue language) and the folder charts are
    written to (PNG, SVG and CSV; ``None`` writes nothing). Raises
    :class:`~egov_analysis.meta.messages.UnknownLanguageError` for a language without catalogue."""

    lang: str = messages.DEFAULT_LANG
    out_dir: Path | None = None

    def __post_init__(self) -> None:
        messages.catalogue(self.lang)  # fail now, naming the known languages
        if self.out_dir is not None:
            object.__setattr__(self, "out_dir", Path(self.out_dir))

    def word(self, key: str, /, **fields: Any) -> str:
        """The chart message ``chart.<key>`` in this context's language."""
        return word(key, self.lang, **fields)


@dataclass(frozen=True, eq=False)
class Chart:
    """A drawn chart.

    ``kind``: the chart function's kind (``"rank_lines"``, ``"map"`` …); ``figure``: the matplotlib
    figure; ``data``: the rows the chart shows (also written as CSV); ``title``, ``footer``
    (sources and notes as drawn) and ``alt_text`` in the context's language; ``paths``: the PNG,
    SVG and CSV written (empty without an output folder)."""

    kind: str
    figure: Figure
    data: pd.DataFrame
    title: str
    footer: str
    alt_text: str
    lang: str
    paths: tuple[Path, ...] = ()
    _png: list[bytes] = field(default_factory=list, repr=False)
    _checked: list[tuple[TextProblem, ...]] = field(default_factory=list, repr=False)

    def png(self) -> bytes:
        """The chart as PNG bytes (the written file where there is one)."""
        if not self._png:
            if self.paths:
                self._png.append(self.paths[0].read_bytes())
            else:
                buffer = io.BytesIO()
                with DrawnTextCheck(self.figure) as check:
                    self.figure.savefig(buffer, format="png", metadata={"Software": None})
                self._png.append(buffer.getvalue())
                self._checked[:] = [tuple(check.problems or ())]
        return self._png[0]

    def text_problems(self) -> tuple[TextProblem, ...]:
        """Texts that overlap another or are cut at the edge in the PNG as drawn (measured while
        it was written, so at no extra draw): empty when the layout is clean."""
        if not self._checked:
            self.png()
        return self._checked[0] if self._checked else tuple(text_problems(self.figure))

    def layout_record(self) -> dict[str, object]:
        """What the build reads back from the executed notebook: the chart's kind and its text
        problems as sentences (the build warns of any)."""
        return {"kind": self.kind, "text_problems": [str(p) for p in self.text_problems()]}

    def __repr__(self) -> str:
        # one line: the dataclass repr would print the whole data frame and the figure
        files = f", {len(self.paths)} files" if self.paths else ""
        return f"<Chart {self.kind} {self.title!r}: {len(self.data)} rows, {self.lang}{files}>"

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        return (
            f'<figure class="egov-chart" data-kind="{html.escape(self.kind)}">'
            f'<img alt="{alt}" src="data:image/png;base64,{data}" style="max-width:100%"/></figure>'
        )

    def _repr_mimebundle_(self, **_: Any) -> tuple[dict[str, str], dict[str, object]]:
        # HTML (with the alt text) and plain text only: no _repr_png_, or IPython would add the PNG
        # to the output a second time. The metadata (never shown) carries the layout check.
        bundle = {"text/html": self._repr_html_(), "text/plain": self.alt_text}
        return bundle, {CHART_METADATA: self.layout_record()}


@dataclass(frozen=True, eq=False)
class NoChart:
    """A chart that was not drawn: ``reason`` says why in the context's language; ``data`` holds
    what there was (possibly nothing)."""

    kind: str
    reason: str
    data: pd.DataFrame
    lang: str
    paths: tuple[Path, ...] = ()

    @property
    def alt_text(self) -> str:
        return self.reason

    def __repr__(self) -> str:
        return f"<NoChart {self.kind}: {self.reason}>"

    def _repr_html_(self) -> str:
        return f'<p class="egov-no-chart">{html.escape(self.reason)}</p>'

    def _repr_mimebundle_(self, **_: Any) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": self.reason}


ChartResult = Chart | NoChart


def show(chart: ChartResult | Figure) -> object:
    """What a notebook displays for a chart: the chart itself (kept for notebooks that call it)."""
    return chart
