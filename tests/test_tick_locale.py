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


def _log_ticks(lang: str, low: float, high: float) -> list[str]:
    import matplotlib as mpl

    from egov_analysis.plots.theme import THEME

    with mpl.rc_context(THEME):  # mathtext off, as on every chart of the project
        fig = Figure()
        ax = fig.add_subplot()
        ax.bar([0, 1, 2], [low, (low * high) ** 0.5, high])
        ax.set_yscale("log")
        localise_ticks(fig, lang)
        FigureCanvasAgg(fig).draw()
        return [t.get_text() for t in ax.get_yticklabels(which="both") if t.get_text()]


def test_log_axis_ticks_are_numbers_of_the_language_not_mathtext() -> None:
    vi, en = _log_ticks("vi", 0.5, 20_000), _log_ticks("en", 0.5, 20_000)
    assert not any("$" in t or "mathdefault" in t for t in vi + en), vi + en
    assert {"1", "10", "10.000"} <= set(vi) and {"1", "10", "10,000"} <= set(en)
    small = _log_ticks("vi", 0.002, 0.5)
    assert "0,01" in small and "0,1" in small, small
