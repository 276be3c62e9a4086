"""Charts on small inline frames: each kind draws, writes PNG + SVG + CSV, says its footer and alt
text in the chart's language, fits the data (partial years, series breaks, one value) and refuses
impossible requests by name."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from egov_analysis import meta, plots
from egov_analysis.meta import messages
from egov_analysis.plots import Chart, DrawingContext, NoChart
from egov_analysis.provinces import UnknownProvinceError, provinces

LANGS = ("en", "vi")
CODES = sorted(provinces())[:12]  # twelve real GSO codes, Hà Nội first
NAMES = {code: provinces()[code].name for code in CODES}
QN = "22"  # Quảng Ninh


def panel_rows(
    index: str = "pci",
    years: range | list[int] = range(2015, 2020),
    n_units: int = 8,
    n_ranked: int | None = None,
    published: dict[int, int] | None = None,
    with_score: bool = True,
) -> pd.DataFrame:
    """Index rows as analysis.rankings.select gives them: ``n_units`` provinces (Quảng Ninh among
    them) ranked every year; ``published`` limits a year to its top k units."""
    codes = [QN, *[c for c in CODES if c != QN]][:n_units]
    out = []
    for year in years:
        order = codes[year % len(codes) :] + codes[: year % len(codes)]  # ranks move each year
        k = (published or {}).get(year, len(order))
        for rank, code in enumerate(order[:k], start=1):
            out.append(
                {
                    "index": index,
                    "year": year,
                    "geography": "provinces_63",
                    "province_code": code,
                    "province": provinces()[code].name,
                    "indicator": "overall",
                    "score": 80.0 - 2.5 * rank if with_score else np.nan,
                    "score_basis": "published",
                    "rank": rank,
                    "rank_basis": "published",
                    "n_ranked": n_ranked or n_units,
                    "tier": pd.NA,
                    "source_url": f"https://example.org/{index}/{year}",
                }
            )
    frame = pd.DataFrame(out)
    return frame.astype({"rank": "Int64", "n_ranked": "Int64", "score": "Float64", "year": "Int64"})


def context(lang: str, tmp_path: Path | None = None) -> DrawingContext:
    return DrawingContext(lang=lang, out_dir=tmp_path)


# --- the result type ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_chart_writes_png_svg_csv_and_shows_its_alt_text(tmp_path, lang):
    rows = panel_rows()
    chart = plots.bump_chart(context(lang, tmp_path), rows, ["Quảng Ninh"], top_n=3, name="lines")
    assert isinstance(chart, Chart) and chart.kind == "rank_lines" and chart.lang == lang
    assert [p.name for p in chart.paths] == ["lines.png", "lines.svg", "lines.csv"]
    assert chart.paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in chart.paths[1].read_text("utf-8")
    written = pd.read_csv(chart.paths[2], dtype={"province_code": str})
    assert set(written["province_code"]) == set(chart.data["province_code"])
    html = chart._repr_html_()
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt and alt.replace("&#x27;", "'") == chart.alt_text
    assert "data:image/png;base64," in html
    assert chart._repr_mimebundle_()[0]["text/plain"] == chart.alt_text


@pytest.mark.parametrize("lang", LANGS)
def test_footer_and_title_are_in_the_charts_language(lang):
    chart = plots.bump_chart(context(lang), panel_rows(), ["Quảng Ninh"], top_n=3)
    sources = messages.text("chart.sources", lang)
    assert chart.footer.startswith(f"{sources}: {meta.indices()['pci'].name_in(lang)}")
    assert chart.title == messages.text("chart.title_ranks", lang, what="PCI")
    drawn = {t.get_text() for t in chart.figure.findobj(mpl.text.Text)}
    assert messages.text("chart.rank", lang) in drawn and messages.text("chart.year", lang) in drawn


def test_a_vietnamese_chart_holds_no_english_chart_words():
    ctx = context("vi")
    rows = panel_rows("papi", range(2015, 2021), n_units=12, published={2019: 5}, n_ranked=12)
    english = {v for k, v in messages.catalogue("en").items() if k.startswith("chart.") and len(v) > 6} - set(
        messages.catalogue("vi").values()
    )
    charts = [
        plots.bump_chart(ctx, rows, ["Quảng Ninh"], 3),
        plots.rank_heatmap(ctx, rows, ["Quảng Ninh"]),
        plots.ranked_bars(ctx, rows, 2019, "tier", ["Quảng Ninh"]),
        plots.dumbbell(ctx, rows, 2015, 2020, ["Quảng Ninh"]),
    ]
    for chart in charts:
        text = " ".join(t.get_text() for t in chart.figure.findobj(mpl.text.Text)) + chart.alt_text
        leaked = [e for e in english if "{" not in e and e in text]
        assert not leaked, (chart.kind, leaked)


@pytest.mark.parametrize("lang", LANGS)
def test_alt_text_names_the_index_years_and_province(lang):
    rows = panel_rows("dti", range(2020, 2025), n_units=12)  # enough units for a change chart
    chart = plots.bump_chart(context(lang), rows, ["Quảng Ninh"], top_n=3)
    assert "DTI" in chart.alt_text and "2020" in chart.alt_text and "2024" in chart.alt_text
    assert "Quảng Ninh" in chart.alt_text
    change = plots.dumbbell(context(lang), rows, 2020, 2024, ["Quảng Ninh"])
    assert all(word in change.alt_text for word in ("DTI", "2020", "2024", "Quảng Ninh"))


def test_drawing_context_refuses_an_unknown_language():
    with pytest.raises(messages.UnknownLanguageError, match="'fr'"):
        DrawingContext(lang="fr")


# --- highlight, top_n: what was asked ------------------------------------------------------------


@pytest.mark.parametrize("asked", ["Quảng Ninh", "quang ninh", "QUẢNG NINH", "Quang Ninh province", "22"])
def test_highlight_accepts_any_spelling_and_the_code(asked):
    assert plots.highlight_codes([asked]) == {"22": "Quảng Ninh"}


def test_highlight_of_a_merged_province_means_its_2025_unit_on_34_units():
    assert plots.highlight_codes(["Bắc Giang"], "units_34") == {"24": "Bắc Ninh"}


def test_an_unknown_highlight_raises_naming_it():
    with pytest.raises(UnknownProvinceError, match="Atlantis"):
        plots.bump_chart(context("en"), panel_rows(), ["Atlantis"])


@pytest.mark.parametrize("top_n", [0, -1, 2.5])
def test_top_n_below_one_raises_naming_it(top_n):
    with pytest.raises(ValueError, match=rf"top_n={top_n!r}"):
        plots.bump_chart(context("en"), panel_rows(), top_n=top_n)


def test_highlighted_lines_have_a_legend_with_their_names():
    chart = plots.bump_chart(context("en"), panel_rows(), ["Quảng Ninh", "Hà Nội"], top_n=2)
    legend = chart.figure.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == ["Quảng Ninh", "Hà Nội", "Series break (2017)"]  # PCI's 2017 revision (meta)


# --- charts that fit the data ---------------------------------------------------------------------


def test_rank_axis_has_integer_ticks_and_rank_one_at_the_top():
    chart = plots.bump_chart(context("en"), panel_rows(n_units=5), top_n=3)
    ax = chart.figure.axes[0]
    bottom, top = ax.get_ylim()
    assert bottom > top and top <= 1  # inverted: rank 1 at the top
    ticks = [t for t in ax.get_yticks() if top <= t <= bottom]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_no_line_crosses_the_papi_series_break_and_the_break_is_named():
    rows = panel_rows("papi", range(2015, 2021))
    chart = plots.bump_chart(context("en"), rows, ["Quảng Ninh"], top_n=3)
    ax = chart.figure.axes[0]
    for line in ax.get_lines():
        xs = [x for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True) if np.isfinite(y)]
        if len(xs) > 1 and line.get_linestyle() == "-":
            assert not (min(xs) <= 2017 and max(xs) >= 2018), xs
    assert any(abs(x - 2017.5) < 1e-9 for line in ax.get_lines() for x in np.atleast_1d(line.get_xdata()))
    assert "series break in 2018" in chart.footer
    assert "series break (2018)" in " ".join(t.get_text() for t in ax.get_legend().get_texts()).lower()


def test_a_change_across_the_series_break_starts_after_it():
    rows = panel_rows("papi", range(2015, 2021), n_units=12)
    chart = plots.dumbbell(context("en"), rows, 2015, 2020, ["Quảng Ninh"])
    assert chart.title == "PAPI: 2018 to 2020"
    assert "compared from 2018, not 2015" in chart.footer.replace("\n", " ")


def test_a_partial_year_is_a_ranked_list_saying_top_k_of_n():
    rows = panel_rows("pci", [2024], n_units=12, n_ranked=63, published={2024: 10})
    chart = plots.ranked_bars(context("en"), rows, 2024, highlight=["Quảng Ninh"])
    assert chart.kind == "ranked_list" and chart.title == "PCI 2024: top 10 of 63 ranked (data held)"
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert labels[0] == "1. " + chart.data["province"].iloc[0] and len(labels) == 10
    vi = plots.ranked_bars(context("vi"), rows, 2024)
    assert vi.title == "PCI năm 2024: 10 đơn vị đứng đầu trong 63 đơn vị được xếp hạng (dữ liệu đang lưu)"


@pytest.mark.parametrize("lang", LANGS)
def test_a_list_held_without_ranks_is_named_in_score_order_without_dashes(lang):
    # PAPI 2024: 61 of 63 scores held and no rank; "– Quảng Ninh" read as a bullet and the alt text
    # said "in rank order" of a list that has none
    rows = panel_rows("papi", [2024], n_units=12, n_ranked=63).assign(rank=pd.NA).astype({"rank": "Int64"})
    chart = plots.ranked_bars(context(lang), rows, 2024)
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert labels == list(chart.data["province"]) and not any(label.startswith("–") for label in labels)
    says = {"en": ("no rank held", "in rank order"), "vi": ("không có thứ hạng", "thứ tự xếp hạng")}[lang]
    assert says[0] in chart.alt_text and says[1] not in chart.alt_text


def test_a_map_of_few_published_units_is_a_ranked_list_instead():
    rows = panel_rows("pci", [2024], n_units=12, n_ranked=63, published={2024: 9})
    chart = plots.choropleth(context("en"), rows, "63", index="pci", year=2024)
    assert chart.kind == "ranked_list" and "top 9 of 63 ranked (data held)" in chart.title
    assert "a ranked list instead of a map" in chart.footer.replace("\n", " ")


@pytest.mark.parametrize("lang", LANGS)
def test_one_published_unit_is_one_sentence_not_a_chart(tmp_path, lang):
    rows = panel_rows("sipas", [2024], n_units=5, n_ranked=63, published={2024: 1})
    (tmp_path / "one.png").write_bytes(b"stale")
    result = plots.ranked_bars(context(lang, tmp_path), rows, 2024, name="one")
    assert isinstance(result, NoChart) and not (tmp_path / "one.png").exists()
    only = rows["province"].iloc[0]
    facts = ", ".join(
        [
            messages.text("chart.rank_of_n", lang, rank=1, n=63),
            messages.text("chart.score_value", lang, score=plots.theme.number(77.5, lang, 2)),
        ]
    )
    assert result.reason == messages.text(
        "chart.no_chart_one_unit", lang, what="SIPAS", year=2024, province=only, facts=facts
    )
    assert {"en": "77.50", "vi": "77,50"}[lang] in result.reason  # numbers written per language
    assert result._repr_html_() == f'<p class="egov-no-chart">{result.reason}</p>'


def test_one_ranked_year_gives_no_rank_lines_and_no_heatmap():
    rows = panel_rows("egov_mic", [2017])
    results = (plots.bump_chart(context("en"), rows), plots.rank_heatmap(context("en"), rows))
    for result in results:
        assert isinstance(result, NoChart) and "2017 only" in result.reason
    assert results[0].reason != results[1].reason  # a reader is not told the same thing twice


def test_fewer_than_two_units_in_both_years_give_no_change_chart():
    rows = panel_rows("par", [2012, 2024], n_units=3, published={2012: 1})
    result = plots.dumbbell(context("en"), rows, 2012, 2024)
    assert isinstance(result, NoChart) and "1 unit(s) ranked in both 2012 and 2024" in result.reason


def _peers_context(partial_year: int) -> pd.DataFrame:
    rows = panel_rows("pci", range(2015, 2020), n_units=6, published={partial_year: 3})
    from egov_analysis.analysis import rankings

    return rankings.peers_and_median(rows, "pci", QN)


def test_the_median_is_drawn_only_for_years_in_which_every_unit_was_published():
    phases = pd.DataFrame(
        {
            "phase_id": ["p1"],
            "name_en": ["Phase one"],
            "name_vi": ["Giai đoạn một"],
            "start_year": [2015],
            "end_year": [2017],
        }
    )
    chart = plots.ranks_with_phases(context("en"), _peers_context(2017), phases, "Quảng Ninh", "pci")
    score_ax = chart.figure.axes[2]
    median = [ln for ln in score_ax.get_lines() if ln.get_marker() == "s" and len(ln.get_xdata())]
    drawn = {
        int(x) for ln in median for x, y in zip(ln.get_xdata(), ln.get_ydata(), strict=True) if np.isfinite(y)
    }
    assert drawn == {2015, 2016, 2018, 2019}
    assert "2017 (shaded)" in chart.footer.replace("\n", " ")


def test_a_goal_chart_never_puts_counts_and_percentages_on_one_log_axis():
    goals = pd.DataFrame(
        {
            "phase_id": ["p1", "p1"],
            "goal": ["g1", "g2"],
            "metric": ["Share of services online", "Number of goals met"],
            "target": [100.0, 22.0],
            "achieved": [np.nan, 22.0],
            "unit": ["%", "goals"],
            "status": ["unknown", "met"],
            "source_url": ["https://example.org/a", "https://example.org/b"],
        }
    )
    chart = plots.goals_chart(context("en"), goals)
    ax = chart.figure.axes[0]
    assert ax.get_xscale() == "linear" and ax.get_xlabel() == "Share of the target achieved (%)"
    assert [p.get_width() for p in ax.patches] == [100.0]


def test_geography_34_highlights_the_2025_unit_and_maps_34_units(project_paths):
    from egov_analysis.provinces import units_2025

    values = pd.DataFrame(
        [
            {"province_code": code, "province": unit.name, "score": 0.5 + i / 100, "rank": i + 1}
            for i, (code, unit) in enumerate(units_2025().items())
        ]
    )
    chart = plots.choropleth(context("en"), values, "34", index="dti", year=2024, highlight=["Quảng Ninh"])
    assert chart.kind == "map" and chart.title == "DTI 2024 (34 units)"
    assert len(chart.data) == 34
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    qn = float(values.loc[values["province_code"].eq("22"), "score"].iloc[0])
    assert legend == [f"Quảng Ninh: {qn:.4f}"]  # every unit has a value: no "no data" entry
    assert {"Hoàng Sa archipelago (Đà Nẵng)", "Trường Sa archipelago (Khánh Hòa)"} <= {
        t.get_text() for t in chart.figure.axes[0].texts
    }
    with pytest.raises(ValueError, match="units listed twice"):
        plots.choropleth(context("en"), pd.concat([values, values.head(1)]), "34", index="dti", year=2024)


def test_no_language_branches_in_src():
    """No code branches on a particular language (`lang == "vi"`, `lang != DEFAULT_LANG`): words come
    from the catalogue. Comparing two language variables (a report's and its page's) is no branch."""
    src = Path(plots.__file__).resolve().parents[1]
    branch = re.compile(
        r"lang\s*[!=]=\s*(?:[\"']|DEFAULT_LANG)|(?:[\"'][a-z]{2}[\"']|DEFAULT_LANG)\s*[!=]=\s*\w*lang"
    )
    hits = [str(p) for p in src.rglob("*.py") if branch.search(p.read_text("utf-8"))]
    assert hits == []
    assert branch.search('if lang == "vi":') and branch.search("x if page_lang != DEFAULT_LANG else y")


def test_a_partial_year_that_is_not_the_top_k_says_k_of_n_and_marks_units_without_a_score():
    rows = panel_rows("pci", [2024], n_units=12, n_ranked=63)
    rows = rows[rows["rank"].isin([1, 2, 5, 9])].copy()
    rows.loc[rows["rank"].eq(5), "score"] = pd.NA
    chart = plots.ranked_bars(context("en"), rows, 2024)
    assert chart.title == "PCI 2024: 4 of 63 ranked units held"
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    assert texts == ["no score held"]


def test_rank_lines_of_a_short_list_are_not_called_the_best_units():
    rows = panel_rows(n_units=8, n_ranked=63, published={2019: 4})
    short = plots.bump_chart(context("en"), rows, [], top_n=7)
    assert "the 4 units with a rank held for 2019" in short.alt_text and "best" not in short.alt_text
    full = plots.bump_chart(context("en"), panel_rows(n_units=8), [], top_n=3)
    assert "the 3 best units of 2019" in full.alt_text


def test_clip_ids_are_numbered_so_float_noise_in_a_layout_writes_the_same_svg():
    from egov_analysis.plots.footer import canonical_clip_ids

    one = (
        '<clipPath id="p054f878db3"/><path clip-path="url(#p054f878db3)"/>'
        '<path clip-path="url(#pabc0000001)"/>'
    )
    two = one.replace("p054f878db3", "pcba54272f6")  # the same drawing, its bounds hashed otherwise
    assert canonical_clip_ids(one) == canonical_clip_ids(two)
    assert canonical_clip_ids(one).count("clip1") == 2 and "clip2" in canonical_clip_ids(one)
    image = '<image xlink:href="data:image/png;base64,+p0123456789/"/>'  # never rewritten
    assert canonical_clip_ids(image) == image


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_coverage_chart_gives_no_edition_and_not_held_their_own_fill_and_legend(lang, tmp_path):
    # one grey meant both "the index had no edition that year" and "an edition, but nothing held"
    from matplotlib.patches import Rectangle

    from egov_analysis.plots.quality import NO_EDITION, NOT_HELD, cell_status

    overview = pd.DataFrame(
        [[np.nan, 100.0, np.nan], [np.nan, np.nan, 97.0]],
        index=pd.MultiIndex.from_tuples(
            [("pci", "provinces_63"), ("dti", "units_34")], names=["index", "geography"]
        ),
        columns=[2004, 2023, 2024],  # PCI 2004: no edition; PCI 2024: an edition, nothing held here
    )
    status = cell_status(overview)
    assert status.loc[("pci", "provinces_63"), 2004] == NO_EDITION
    assert status.loc[("pci", "provinces_63"), 2024] == NOT_HELD
    assert status.loc[("dti", "units_34"), 2023] == NO_EDITION  # the 34 units were ranked from 2024
    chart = plots.coverage_chart(DrawingContext(lang=lang, out_dir=tmp_path), overview)
    ax = chart.figure.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [messages.text(f"chart.legend_{k}", lang) for k in ("no_edition", "not_held")]
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1  # PCI 2024 only; the blank cells have no fill but the background
    fills = {h.get_facecolor() for h in ax.get_legend().legend_handles}
    assert len(fills) == 2  # two meanings, two fills
    assert chart.text_problems() == ()
    # a row names its area, not a count: PCI ranked 42 units in 2005 and 64 in 2006–2008
    assert not [t.get_text() for t in ax.get_yticklabels() if re.search(r"\b(63|34)\b", t.get_text())]
    counts = {"en": ("(blank): 3", "(hatched grey): 1"), "vi": ("(ô trống): 3", "(ô xám gạch chéo): 1")}[lang]
    assert all(c in chart.alt_text for c in counts), chart.alt_text
    csv = pd.read_csv(tmp_path / "coverage.csv")
    assert sorted(csv["cell_status"]) == sorted(["no_edition"] * 3 + ["not_held"] + ["share"] * 2)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_figure_csv_gives_display_names_and_no_merge_leftovers(lang, tmp_path):
    # the CSV beside the phase page's rank chart held "Hồ Chí Minh" (the person's name) and the
    # merge's n_ranked_x / n_ranked_y
    rows = panel_rows("pci", range(2015, 2020), n_units=6)
    other = rows["province_code"].eq("02")  # Hà Giang's rows stand for Hồ Chí Minh's
    assert other.any()
    rows.loc[other, ["province_code", "province"]] = ["79", "Hồ Chí Minh"]
    from egov_analysis.analysis import rankings

    context_rows = rankings.peers_and_median(rows, "pci", QN)
    assert not [c for c in context_rows.columns if c.endswith(("_x", "_y"))]
    phases = pd.DataFrame(
        {"phase_id": ["p1"], "name_en": ["One"], "name_vi": ["Một"], "start_year": [2015], "end_year": [2017]}
    )
    chart = plots.ranks_with_phases(context(lang, tmp_path), context_rows, phases, "Quảng Ninh", "pci")
    written = pd.read_csv(chart.paths[2], dtype=str)
    assert not [c for c in written.columns if c.endswith(("_x", "_y"))]
    assert "n_ranked" in written.columns
    names = set(written["province"])
    assert {"en": "Ho Chi Minh City", "vi": "TP. Hồ Chí Minh"}[lang] in names and "Hồ Chí Minh" not in names
    assert set(written.loc[written["province"].str.contains("Minh"), "province_code"]) == {"79"}
    from egov_analysis.plots.footer import figure_data

    leftover = pd.DataFrame({"n_ranked_x": [63], "n_ranked_y": [63]})
    with pytest.raises(ValueError, match="n_ranked_x"):
        figure_data(leftover, lang, "ranks_phases")
    with pytest.raises(ValueError, match="_order"):
        figure_data(pd.DataFrame({"year": [2024], "_order": [1]}), lang, "outcomes")


@pytest.mark.parametrize("lang", LANGS)
def test_every_papi_chart_footer_names_the_printed_years_among_the_sums(lang):
    from egov_analysis.plots.footer import index_notes

    rows = pd.DataFrame(
        {
            "year": [2019, 2020, 2022],
            "indicator": "overall",
            "score": [46.66, 48.811, 47.88],
            "score_basis": ["computed", "published", "computed"],
            "source_url": [
                "https://github.com/hnks-gh/ml-mcdm/blob/x/2019.csv",
                "http://news.gov.vn/print/quang-ninh-leads-in-papi-2020-rankings-11140879.htm",
                "https://github.com/hnks-gh/ml-mcdm/blob/x/2022.csv",
            ],
        }
    )
    notes = index_notes("papi", rows, lang)
    assert messages.text("chart.note_scores_summed", lang) in notes
    government = messages.text("names.source_class.provincial_government", lang)
    (printed,) = [n for n in notes if government in n]
    assert printed.startswith("PAPI 2020:")
    # only sums: no printed year to name
    assert not [n for n in index_notes("papi", rows.iloc[[0, 2]], lang) if government in n]


def test_the_scatter_and_profile_footers_name_third_party_compilations_and_computed_sums():
    import pandas as pd

    from egov_analysis import plots
    from egov_analysis.analysis import relationships
    from egov_analysis.plots.ranks import profile_chart
    from egov_analysis.plots.relationships import scatter_relationship

    compiled = "https://github.com/someone/compilation/blob/main/papi.csv"
    panel = pd.DataFrame(
        [
            {
                "index": index,
                "indicator": "overall",
                "year": 2022,
                "geography": "provinces_63",
                "province_code": code,
                "province": name,
                "score": score,
                "score_basis": "computed" if index == "papi" else "published",
                "source_url": compiled if index == "papi" else "https://pcivietnam.vn/",
            }
            for index in ("pci", "papi")
            for code, name, score in (
                ("01", "Hà Nội", 60.0),
                ("22", "Quảng Ninh", 65.0),
                ("31", "Hải Phòng", 62.0),
            )
        ]
    )
    pairs = relationships.paired_scores(panel, "pci", "papi", 2022)
    ctx = plots.DrawingContext(lang="en", out_dir=None)
    chart = scatter_relationship(ctx, pairs, "pci", "papi", 2022, relationships.correlation(pairs))
    assert "PAPI 2022: values published by" in " ".join(chart.footer.split()) and "third party" in " ".join(
        chart.footer.split()
    )
    assert "sums of published parts" in " ".join(chart.footer.split())
    profile = pd.DataFrame(
        {
            "indicator": ["entry_costs"],
            "score": [7.0],
            "best_score": [8.0],
            "best_province": ["Đà Nẵng"],
            "median_score": [7.0],
            "n_scored": [63],
            "n_third_party": [40],
        }
    )
    chart = profile_chart(ctx, profile, "Quảng Ninh", "pci", 2021)
    assert "PCI 2021: values published by" in " ".join(
        chart.footer.split()
    ) and "40 of the 63 values" in " ".join(chart.footer.split())
    assert "median is computed by this project" in " ".join(chart.footer.split())
