"""Chart tick labels follow the report language's decimal symbol."""

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from egov_analysis.plots.footer import localise_ticks


def _ticks(lang: str) -> list[str]:
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0.1, 0.35])
    ax.set_xticks([2012, 2016])
    localise_ticks(fig, lang)
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in ax.get_xticklabels()] + [t.get_text() for t in ax.get_yticklabels()]


def test_vietnamese_ticks_have_a_decimal_comma_and_plain_years() -> None:
    ticks = _ticks("vi")
    assert ticks[:2] == ["2012", "2016"]
    assert "0,10" in ticks and not any("." in t for t in ticks)


def test_english_ticks_are_unchanged() -> None:
    assert "0.10" in _ticks("en")
