"""Where text goes: figures with constrained layout, titles and footers wrapped to the figure's
width as measured, integer rank axes with rank 1 at the top, year axes whose labels fit, rows for
span labels that would collide, and a check that no two texts overlap or leave the figure."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis, YAxis
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator

from .theme import apply_theme

FOOTER_SIZE = 7
TITLE_SIZE = 12
MARGIN_PX = 8


def new_grid(
    width: float = 10, height: float = 6, nrows: int = 1, ncols: int = 1, **subplots: object
) -> tuple[Figure, np.ndarray]:
    """A figure outside pyplot (nothing is displayed or kept open by accident) with constrained
    layout, and its ``nrows`` × ``ncols`` axes as an array."""
    apply_theme()
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplots)  # type: ignore[call-overload]
    return fig, axes


def new_figure(
    width: float = 10, height: float = 6, nrows: int = 1, **subplots: object
) -> tuple[Figure, Axes]:
    """:func:`new_grid` of one column, and its first axes (``figure.axes`` holds them all)."""
    fig, axes = new_grid(width, height, nrows, 1, **subplots)
    return fig, axes[0][0]


def renderer(fig: Figure) -> RendererAgg:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def text_width(fig: Figure, text: str, size: float, weight: str = "normal") -> float:
    """Width in pixels of ``text`` in the theme's font at ``size`` points (at the figure's dpi)."""
    return _text_width(text, float(size), weight, float(fig.dpi))


@functools.lru_cache(maxsize=8192)
def _text_width(text: str, size: float, weight: str, dpi: float) -> float:
    # a report draws the same source and note lines under many charts: each is measured once
    props = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    width, _, _ = _measuring_renderer(dpi).get_text_width_height_descent(text, props, ismath=False)
    return float(width)


@functools.lru_cache(maxsize=8)
def _measuring_renderer(dpi: float) -> RendererAgg:
    """An Agg renderer at ``dpi`` for measuring text (a text's width depends on the dpi, not on
    the figure's size)."""
    return RendererAgg(1, 1, dpi)


def wrap(fig: Figure, text: str, size: float, width_px: float, weight: str = "normal") -> str:
    """``text`` broken into lines no wider than ``width_px`` (measured, not guessed); existing line
    breaks are kept. Each line holds as many words as fit (a word wider than the line stays whole
    on its own): found by doubling then halving the number of words tried, since a line is never
    narrower for a word more, so long footers take a few measurements a line, not one per word."""

    def line(words: list[str]) -> str:  # a line never starts with the space of a double space
        while words and not words[0]:
            words = words[1:]
        return " ".join(words)

    def fits(words: list[str]) -> bool:
        return text_width(fig, line(words), size, weight) <= width_px

    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = paragraph.split(" ")
        start = 0
        while start < len(tokens):
            good = start  # at least one word a line (with the empty tokens before it)
            while good < len(tokens) - 1 and not tokens[good]:
                good += 1
            good, step = good + 1, 1
            while good + step <= len(tokens) and fits(tokens[start : good + step]):
                good, step = good + step, step * 2
            bad = min(good + step, len(tokens) + 1)  # the fewest words known not to fit (or past the end)
            while bad - good > 1:
                middle = (good + bad) // 2
                if fits(tokens[start:middle]):
                    good = middle
                else:
                    bad = middle
            lines.append(line(tokens[start:good]))
            start = good
    return "\n".join(lines)


# Text is measured at the figure's dpi but saved at savefig.dpi, where hinting makes it up to a few
# percent wider: lines are wrapped to this share of the width.
WRAP_SHARE = 0.93


def set_title(fig: Figure, title: str) -> None:
    width = (fig.get_figwidth() * fig.dpi - 2 * MARGIN_PX) * WRAP_SHARE
    fig.suptitle(wrap(fig, title, TITLE_SIZE, width, "bold"), fontsize=TITLE_SIZE, fontweight="bold")


def set_footer(fig: Figure, text: str) -> str:
    """Draw ``text`` at the bottom left, wrapped to the figure's width, and keep the axes above it;
    returns the text as drawn."""
    width = (fig.get_figwidth() * fig.dpi - 2 * MARGIN_PX) * WRAP_SHARE
    wrapped = wrap(fig, text, FOOTER_SIZE, width)
    artist = fig.text(
        MARGIN_PX / (fig.get_figwidth() * fig.dpi),
        MARGIN_PX / (fig.get_figheight() * fig.dpi),
        wrapped,
        ha="left",
        va="bottom",
        fontsize=FOOTER_SIZE,
        color="#444444",
    )
    artist.set_in_layout(False)
    height = artist.get_window_extent(renderer(fig)).height
    bottom = (height + 2 * MARGIN_PX) / (fig.get_figheight() * fig.dpi)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, bottom, 1, 1 - bottom))
    return wrapped


def settle(fig: Figure, after_layout: Iterable[Callable[[], None]] = ()) -> None:
    """Run the layout, then the label placers (which need final axes positions), then freeze the
    layout so that saving and displaying draw exactly what was checked."""
    lay_out(fig)
    placers = list(after_layout)
    for place in placers:
        place()
    if placers:
        lay_out(fig)
    fig.set_layout_engine("none")


def lay_out(fig: Figure) -> None:
    """What a draw does to the layout (the layout engine places the axes from the texts' extents),
    without drawing every artist: the chart is drawn when it is saved."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)


class _RankLocator(MaxNLocator):
    """Integer ticks from rank 1 on: the margin above rank 1 never shows a rank 0."""

    def tick_values(self, vmin: float, vmax: float) -> Any:
        ticks = np.asarray(super().tick_values(vmin, vmax))
        return ticks[ticks >= 1 - 1e-9]


def rank_axis(axis: Axis, n_max: float | None = None) -> None:
    """Integer ticks on a rank axis, rank 1 at the top (or at the left of a horizontal axis), with
    room beyond the first and last rank for a whole marker (a point at rank 61 of 61 is not cut)."""
    axis.set_major_locator(_RankLocator(integer=True, min_n_ticks=1, steps=[1, 2, 5, 10]))
    lo, hi = axis.get_view_interval()
    lo, hi = min(lo, hi), max(lo, hi)
    top = 0.5 if lo < 1 or lo >= 0.5 else lo
    bottom = max(hi, n_max or hi)
    pad = 0.015 * (bottom - min(top, 0.5))  # ~ a marker's radius on a chart's usual height
    if isinstance(axis, YAxis):
        axis.axes.set_ylim(bottom + 0.5 + pad, min(top, 0.5) - pad)
    else:
        axis.axes.set_xlim(min(top, 0.5) - pad, bottom + 0.5 + pad)


def year_axis(ax: Axes, years: Sequence[int], fontsize: float = 9) -> None:
    """Year ticks that fit side by side without rotation: every year, or every 2nd, 5th …"""
    years = sorted(int(y) for y in years)
    if not years:
        return
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    span = max(years[-1] - years[0], 1)
    axes_px = ax.get_position().width * fig.get_figwidth() * fig.dpi
    label_px = text_width(fig, "2000", fontsize) * 1.6
    step = next(s for s in (1, 2, 5, 10, 20, 50) if axes_px * s / span >= label_px or s == 50)
    ticks = [y for y in range(years[0], years[-1] + 1) if (y - years[0]) % step == 0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=fontsize)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)


def end_labels(
    ax: Axes, texts: Sequence[Text], anchors: Sequence[tuple[float, float]], x: float
) -> Callable[[], None]:
    """A placer for :func:`settle`: line-end labels in one column at ``x`` (data), each as near
    its line's end (``anchors``, data) as the labels above it allow, at least one line apart,
    inside the axes; the x axis is widened to hold the widest label, and a thin line joins a
    label to its line's end when they are apart."""

    def place() -> None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        render = renderer(fig)
        widest = max((t.get_window_extent(render).width for t in texts), default=0.0)
        x0, x1 = ax.get_xlim()
        px_per_unit = ax.get_window_extent(render).width / (x1 - x0)
        ax.set_xlim(x0, max(x1, x + (widest + 6) / px_per_unit))
        to_px, to_data = ax.transData, ax.transData.inverted()
        box = ax.get_window_extent(render)
        gap = max((t.get_window_extent(render).height for t in texts), default=10.0) * 1.15
        wanted = [to_px.transform(a)[1] for a in anchors]
        order = sorted(range(len(texts)), key=lambda i: -wanted[i])  # top of the axes first
        placed: dict[int, float] = {}
        previous = box.y1 - gap / 2 + gap
        for i in order:
            placed[i] = min(wanted[i], previous - gap)
            previous = placed[i]
        lowest = min(placed.values(), default=box.y0)
        if lowest < box.y0 + gap / 2:  # pushed below the axes: lift the column
            shift = box.y0 + gap / 2 - lowest
            placed = {i: y + shift for i, y in placed.items()}
        for i, text in enumerate(texts):
            y = to_data.transform((box.x0, placed[i]))[1]
            text.set_position((x, y))
            text.set_verticalalignment("center")
            text.set_horizontalalignment("left")
            end_x, end_y = anchors[i]
            if abs(placed[i] - wanted[i]) > 1 or end_x < x - 0.5:
                ax.plot([end_x, x - 0.05], [end_y, y], lw=0.6, color=text.get_color(), alpha=0.7)

    return place


def rows_for_spans(spans: Sequence[tuple[float, float]]) -> list[int]:
    """A row for each (start, end) span so that spans in one row do not overlap: the first row
    whose last span ended before this one starts (spans in order of start)."""
    row_ends: list[float] = []
    rows = []
    for start, end in spans:
        for i, last in enumerate(row_ends):
            if start > last:
                row_ends[i] = end
                rows.append(i)
                break
        else:
            row_ends.append(end)
            rows.append(len(row_ends) - 1)
    return rows


@dataclass(frozen=True)
class TextProblem:
    """Two texts that overlap, or one cut at the figure's edge (``other`` is empty)."""

    text: str
    other: str
    kind: str  # "overlap" or "clipped"

    def __str__(self) -> str:
        if self.kind == "clipped":
            return f"text {self.text!r} is cut at the figure's edge"
        return f"texts {self.text!r} and {self.other!r} overlap"


def _drawn_tick_labels(axis: Axis) -> list[Text]:
    lo, hi = sorted(axis.get_view_interval())
    labels = []
    for tick in axis.get_major_ticks() + axis.get_minor_ticks():
        inside = lo - 1e-9 <= tick.get_loc() <= hi + 1e-9
        for text in (tick.label1, tick.label2):
            if inside and text.get_visible():
                labels.append(text)
    return labels


def drawn_texts(fig: Figure) -> list[Text]:
    """Every text the figure draws: titles, labels, drawn tick labels, legends, annotations,
    the footer (empty and hidden texts left out)."""
    tick_texts = set()
    drawn_ticks: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_texts.update({id(tick.label1), id(tick.label2)})
            drawn_ticks += _drawn_tick_labels(axis)
    texts = [
        t
        for t in fig.findobj(Text)
        if id(t) not in tick_texts and t.get_visible() and t.get_text().strip() and _shown(t)
    ]
    return [*texts, *(t for t in drawn_ticks if t.get_text().strip())]


def _shown(text: Text) -> bool:
    ax = text.axes
    return ax is None or ax.get_visible()


def text_problems(fig: Figure, dpi: float | None = None, tolerance_px: float = 1.0) -> list[TextProblem]:
    """Texts of ``fig`` that overlap another text or go past the figure's edge: window extents
    from the Agg renderer at ``dpi`` (default: the dpi figures are saved at, since text widths do
    not scale exactly with dpi); ``tolerance_px`` forgives anti-aliasing. Draws the figure once
    more; :class:`DrawnTextCheck` measures while a figure is saved instead."""
    import matplotlib as mpl

    dpi = float(dpi or mpl.rcParams["savefig.dpi"])
    saved = fig.dpi
    fig.set_dpi(dpi)
    try:
        render = FigureCanvasAgg(fig).get_renderer()
        fig.draw(render)
        problems = _problems_as_drawn(fig, render, tolerance_px)
    finally:
        fig.set_dpi(saved)
        FigureCanvasAgg(fig)
    return problems


def _problems_as_drawn(fig: Figure, render: RendererBase, tolerance_px: float = 1.0) -> list[TextProblem]:
    """The problems of ``fig`` as ``render`` has just drawn it (its size is the drawn canvas)."""
    width, height = render.get_canvas_width_height()
    boxes = [(t, t.get_window_extent(render)) for t in drawn_texts(fig)]
    problems = []
    for text, box in boxes:
        inside_x = -tolerance_px <= box.x0 and box.x1 <= width + tolerance_px
        inside_y = -tolerance_px <= box.y0 and box.y1 <= height + tolerance_px
        if not (inside_x and inside_y):
            problems.append(TextProblem(text.get_text(), "", "clipped"))
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            overlap_w = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
            overlap_h = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
            if overlap_w > tolerance_px and overlap_h > tolerance_px:
                problems.append(TextProblem(text.get_text(), other.get_text(), "overlap"))
    return problems


class DrawnTextCheck:
    """The text check of a figure measured while it is saved, at no extra draw: use as
    ``with DrawnTextCheck(fig) as check: fig.savefig(...)``, then read ``check.problems`` (those of
    the last draw, the one written; ``None`` if the figure was not drawn)."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.problems: list[TextProblem] | None = None
        self._connection: int | None = None

    def _measure(self, event: Any) -> None:
        self.problems = _problems_as_drawn(self.fig, event.renderer)

    def __enter__(self) -> DrawnTextCheck:
        self._connection = self.fig.canvas.mpl_connect("draw_event", self._measure)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._connection is not None:
            self.fig.canvas.mpl_disconnect(self._connection)
