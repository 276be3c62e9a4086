"""Every number says what it is (issue 22), on inline data: what the project holds against what the
publisher released, the computed mark and its legend, one count per quantity from one function,
the statistician's claims (maps, zero-based lengths), and the words of both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from egov_analysis import formatting as fmt
from egov_analysis import plots
from egov_analysis.analysis import findings
from egov_analysis.meta import messages
from egov_analysis.meta.coverage import coverage
from egov_analysis.plots import DrawingContext
from egov_analysis.provinces import provinces, units_2025
from egov_analysis.tables import Column, display_frame, people_table

LANGS = ("en", "vi")
QN, HN, HP, DN = "22", "01", "31", "48"


def _rows(entries: list[tuple[int, str, float | None, int | None, str]], n: int | None = 4) -> pd.DataFrame:
    """PCI headline rows: (year, code, score, rank, rank_basis)."""
    frame = pd.DataFrame(
        [
            {
                "index": "pci",
                "year": year,
                "geography": "provinces_63",
                "province_code": code,
                "province": provinces()[code].name,
                "indicator": "overall",
                "score": score,
                "score_basis": "published",
                "rank": rank,
                "rank_basis": basis,
                "n_ranked": n,
                "tier": pd.NA,
                "source_url": "https://example.org/pci",
                "rank_source_url": "https://example.org/pci",
            }
            for year, code, score, rank, basis in entries
        ]
    )
    return frame.astype({"year": "Int64", "score": "Float64", "rank": "Int64", "n_ranked": "Int64"})


# --- held, not published -------------------------------------------------------------------------

# a count of units next to "publish" in one clause: "publishes 14 of 63", "14/63 đơn vị được công bố"
HELD_AS_PUBLISHED = (
    re.compile(r"publish\w*[^.;:()]*\{\w+\} of \{\w+\}"),
    re.compile(r"\{\w+\} of \{\w+\}[^.;:()]*publish", re.I),
    re.compile(r"công bố[^.;:()]*\{\w+\}\s*(/|trên)\s*\{\w+\}"),
    re.compile(r"\{\w+\}\s*(/|trên)\s*\{\w+\}[^.;:()]*công bố"),
)


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_says_a_publisher_published_the_count_the_project_holds(lang):
    wrong = [
        (key, value)
        for key, value in messages.catalogue(lang).items()
        if any(p.search(value) for p in HELD_AS_PUBLISHED)
    ]
    assert wrong == []


def test_the_scan_finds_the_old_wording():
    old = ["{index} {year} publishes {published} of {n} units", "chỉ công bố {published} trên {n} đơn vị"]
    assert all(any(p.search(t) for p in HELD_AS_PUBLISHED) for t in old)


def test_a_partial_year_says_what_is_held_and_what_the_publisher_released():
    # PCI 2024: VCCI ranked 63 and released its top 30 (meta/index_editions.csv); four are held here
    rows = _rows([(2024, c, 70.0 - i, i + 1, "published") for i, c in enumerate([QN, HN, HP, DN])], n=63)
    rows = pd.concat([rows, rows.assign(year=2023)], ignore_index=True)
    en = findings.index_sentences(rows, "en")
    vi = findings.index_sentences(rows, "vi")
    partial = next(s for s in en if "part of the PCI list" in s)
    assert "4 of 63 in 2024" in partial and "publish" not in partial.split(":")[0]
    assert any("VCCI ranked 63 provinces but published only the top 30" in s for s in en)
    assert any("dữ liệu đang lưu" in s.lower() and "2024: 4/63" in s for s in vi)
    assert any("chỉ công bố 30 tỉnh dẫn đầu" in s for s in vi)


# --- one count for one thing ----------------------------------------------------------------------


def test_one_function_counts_the_units_held_for_tables_findings_and_charts():
    from egov_analysis.clean.indices_pipeline import coverage as table_coverage
    from egov_analysis.plots.select import year_coverage as chart_coverage

    # 2021: two units with a score and a rank, one with a rank only, one with a score only
    rows = _rows(
        [
            (2021, QN, 75.0, 1, "published"),
            (2021, HN, 70.0, 2, "published"),
            (2021, HP, None, 3, "published"),
            (2021, DN, 60.0, None, "published"),
        ],
        n=63,
    )
    one = coverage(rows, by=["year"]).iloc[0]
    assert (one["n_held"], one["n_score"], one["n_rank"], one["status"]) == (4, 3, 3, "partial")
    for other in (
        findings.year_coverage(rows).iloc[0],
        chart_coverage(rows).iloc[0],
        table_coverage(rows).iloc[0],
    ):
        assert (other["n_held"], other["n_ranked"], other["status"]) == (4, 63, "partial")
    # the finding and the chart footer of the same rows give the same count: 4 of 63
    sentence = next(s for s in findings.index_sentences(rows, "en") if "part of the PCI list" in s)
    assert "4 of 63 in 2021" in sentence
    chart = plots.ranked_bars(DrawingContext("en"), rows, 2021)
    assert "4 of 63" in chart.title and "3 of 63" not in chart.footer


# --- the computed mark ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_computed_rank_is_marked_in_a_table_with_one_legend(lang):
    frame = pd.DataFrame(
        {"province": ["Quảng Ninh", "Hà Nội"], "rank": [1, 2], "n_ranked": [63, 63]}
        | {"rank_basis": ["published", "computed"]}
    )
    column = Column("rank", "tables.column.rank", kind="rank", n_column="n_ranked")
    cells = display_frame(frame, [column], lang)
    mark = messages.text("tables.computed_mark", lang)
    assert mark == "†"  # one mark, the same in both languages
    assert not cells.iloc[0, 0].endswith(mark) and cells.iloc[1, 0].endswith(mark)
    html = people_table(frame, [column], lang)
    page = html.as_raw_html()
    assert page.count(fmt.computed_legend(lang).split(" (")[0]) == 1
    published = people_table(frame.iloc[:1], [Column("rank", "tables.column.rank", kind="rank")], lang)
    assert fmt.computed_legend(lang).split(" (")[0] not in published.as_raw_html()


@pytest.mark.parametrize("lang", LANGS)
def test_computed_ranks_are_marked_in_findings_and_the_legend_closes_them(lang):
    rows = _rows(
        [
            (2019, QN, None, 3, "computed"),
            (2019, HN, None, 1, "published"),
            (2020, QN, None, 1, "published"),
            (2020, HN, None, 2, "published"),
        ]
    )
    sentences = findings.province_sentences(rows, QN, lang)
    best_worst = next(s for s in sentences if "(2019)" in s and ("3†" in s))
    assert "1†" not in best_worst  # rank 1 of 2020 was printed by the publisher
    found = findings.profile_findings(rows, QN, lang, "Quảng Ninh")
    assert found.sentences[-1] == fmt.computed_legend(lang)
    printed = rows.assign(rank_basis="published")
    assert not any("†" in s for s in findings.province_sentences(printed, QN, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_a_computed_rank_is_marked_on_the_chart_label_and_explained_in_the_footer(lang):
    rows = _rows(
        [(2020, c, 70.0 - i, i + 1, "computed" if i else "published") for i, c in enumerate([QN, HN, HP])]
    )
    chart = plots.ranked_bars(DrawingContext(lang), rows, 2020)
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert labels[0].startswith("1. ") and labels[1].startswith("2†. ")
    assert fmt.computed_legend(lang) in chart.footer.replace("\n", " ")


# --- maps and lengths -----------------------------------------------------------------------------


def _unit_values(missing: int) -> pd.DataFrame:
    units = list(units_2025().items())
    return pd.DataFrame(
        [
            {"province_code": code, "province": unit.name, "score": None if i < missing else 0.5 + i / 100}
            for i, (code, unit) in enumerate(units)
        ]
    ).astype({"score": "Float64"})


@pytest.mark.parametrize("lang", LANGS)
def test_a_map_is_drawn_when_nearly_every_unit_has_a_value_and_names_the_missing(lang):
    values = _unit_values(missing=3)
    assert plots.map_drawn(values, "34")
    chart = plots.choropleth(DrawingContext(lang), values, "34", index="dti", year=2024)
    assert chart.kind == "map"
    footer = chart.footer.replace("\n", " ")
    for name in values.loc[values["score"].isna(), "province"]:
        assert name in footer
    most_missing = _unit_values(missing=25)
    assert not plots.map_drawn(most_missing, "34")
    assert plots.choropleth(DrawingContext(lang), most_missing, "34", index="dti", year=2024).kind != "map"


def test_the_stems_of_a_partial_ranked_list_start_at_zero():
    rows = _rows([(2024, c, 70.0 - i, i + 1, "published") for i, c in enumerate([QN, HN, HP, DN])], n=63)
    chart = plots.ranked_bars(DrawingContext("en"), rows, 2024)
    assert chart.figure.axes[0].get_xlim()[0] <= 0


# --- a statistic carries its uncertainty ------------------------------------------------------------


def _pairs(x: list[float], y: list[float]) -> pd.DataFrame:
    codes = sorted(provinces())[: len(x)]
    return pd.DataFrame(
        {"province_code": codes, "province": [provinces()[c].name for c in codes], "x_score": x, "y_score": y}
    )


def test_a_correlation_has_a_fisher_interval_and_p_values():
    import math

    from egov_analysis.analysis.relationships import correlation

    x = [float(i) for i in range(30)]
    strong = correlation(_pairs(x, [2 * v + (v % 5) for v in x]))
    z, se = math.atanh(strong.pearson), 1 / math.sqrt(30 - 3)
    assert strong.pearson_low == pytest.approx(math.tanh(z - 1.959964 * se), abs=1e-4)
    assert strong.pearson_high == pytest.approx(math.tanh(z + 1.959964 * se), abs=1e-4)
    assert strong.distinguishable and strong.pearson_p < 0.001
    unrelated = correlation(_pairs(x, [float(v % 7) for v in x]))
    assert unrelated.pearson_low < 0 < unrelated.pearson_high and not unrelated.distinguishable
    # three pairs in perfect rank order: Spearman's exact p is 2/3! = 1/3, not the t-approximation's 0
    three = correlation(_pairs([1.0, 2.0, 3.0], [1.0, 2.5, 2.6]))
    assert three.spearman_p == pytest.approx(1 / 3) and math.isnan(three.pearson_low)


@pytest.mark.parametrize("lang", LANGS)
def test_a_correlation_on_the_page_says_its_uncertainty_and_when_it_is_not_distinguishable(lang):
    from egov_analysis.analysis.relationships import correlation

    x = [float(i) for i in range(12)]
    pairs = _pairs(x, [float(v % 4) for v in x])
    stats = correlation(pairs)
    found = findings.relationship_findings(
        pairs, "pci", "papi", 2016, stats.pearson, stats.spearman, [], lang, "x", stats=stats
    )
    interval = messages.text("tables.interval", lang, low="", high="").split(":")[0].split(" ")[0]
    assert interval in found.sentences[0] and "p = " in found.sentences[0]
    assert found.sentences[1] == messages.text("findings.relationship_zero", lang, n=12, x="PCI", y="PAPI")
    chart = plots.scatter_relationship(DrawingContext(lang), pairs, "pci", "papi", 2016, stats)
    assert "p = " in chart.alt_text and "p = " in chart.figure.axes[0].get_title()
    assert messages.text("chart.note_not_distinguishable", lang) in chart.footer.replace("\n", " ")
    strong = _pairs(x, [3 * v + 1 for v in x])
    sure = findings.relationship_findings(strong, "pci", "papi", 2016, 1.0, 1.0, [], lang, "x")
    assert not any(s.startswith(found.sentences[1][:20]) for s in sure.sentences[1:])


@pytest.mark.parametrize("lang", LANGS)
def test_no_largest_rise_is_named_among_a_handful_of_units(lang):
    from egov_analysis.analysis.findings import MIN_UNITS_FOR_CHANGE

    codes = sorted(provinces())

    def moving(k: int, n: int) -> pd.DataFrame:  # k units whose ranks rotate by one place a year
        entries = [
            (y, c, None, (i + y) % k + 1, "published") for y in (2019, 2020) for i, c in enumerate(codes[:k])
        ]
        return _rows(entries, n=n)

    keys = [getattr(s, "key", "") for s in findings.index_sentences(moving(5, 63), lang)]
    assert "findings.index_rise" not in keys and "findings.index_fall" not in keys
    assert messages.text(
        "findings.few_for_change", lang, first=2019, last=2020, n=5, min=MIN_UNITS_FOR_CHANGE
    ) in findings.index_sentences(moving(5, 63), lang)
    keys = [getattr(s, "key", "") for s in findings.index_sentences(moving(MIN_UNITS_FOR_CHANGE, 12), lang)]
    assert "findings.index_rise" in keys and "findings.few_for_change" not in keys


# --- names as readers know them -----------------------------------------------------------------

HCM = "79"
BARE = re.compile(r"(?<!TP\. )Hồ Chí Minh(?! City)")


@pytest.mark.parametrize("lang", LANGS)
def test_ho_chi_minh_city_is_shown_by_its_display_name_and_the_data_keep_the_key(lang):
    shown = {"vi": "TP. Hồ Chí Minh", "en": "Ho Chi Minh City"}[lang]
    assert provinces()[HCM].name == "Hồ Chí Minh"  # the canonical key of the data stays
    assert provinces()[HCM].display_name(lang) == units_2025()[HCM].display_name(lang) == shown
    rows = _rows(
        [
            (2020, HCM, 70.0, 1, "published"),
            (2020, QN, 65.0, 2, "published"),
            (2020, HN, 60.0, 3, "published"),
        ],
        n=3,
    )
    texts = [*findings.index_sentences(rows, lang), *findings.province_sentences(rows, HCM, lang)]
    chart = plots.ranked_bars(DrawingContext(lang), rows, 2020, highlight=["TP.HCM"])
    texts += [chart.title, chart.alt_text, chart.footer]
    texts += [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    table = display_frame(rows, [Column("province", "tables.column.province")], lang)
    texts += list(table.iloc[:, 0])
    assert any(shown in t for t in texts)
    assert [t for t in texts if BARE.search(t)] == []
    assert rows["province"].eq("Hồ Chí Minh").any()  # the caller's frame is not changed


# --- the publisher is a property of the edition -----------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "before", "after"),
    [
        ("vi", "Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"),
        ("en", "Ministry of Information and Communications", "Ministry of Science and Technology"),
    ],
)
def test_dti_2024_was_published_by_the_ministry_of_science_and_technology(lang, before, after):
    from egov_analysis import meta
    from egov_analysis.plots.footer import index_sources

    assert meta.edition_publisher("dti", 2023).name_in(lang) == before
    assert meta.edition_publisher("dti", 2024).name_in(lang) == after
    assert meta.edition_publisher("dti", 2024, "units_34").name_in(lang) == after
    rows = pd.DataFrame(
        {"year": [2022, 2024], "source_url": ["https://example.org/a", "https://example.org/b"]}
    )
    footer = index_sources("dti", rows, lang)[0]
    assert f"{before} (2022)" in footer and f"{after} (2024)" in footer
    assert before not in index_sources("dti", rows[rows["year"].eq(2024)], lang)[0]
    assert "VCCI" in meta.edition_publisher("pci", 2024).name_in(lang)


def test_a_province_has_chinh_quyen_dien_tu_not_chinh_phu_dien_tu():
    assert [
        k for k, v in messages.catalogue("vi").items() if "CPĐT" in v or "chính phủ điện tử" in v.lower()
    ] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_chart_its_alt_text_and_the_table_beside_it_list_units_in_one_order(lang):
    from egov_analysis.reporting.sections import ranking_table

    # a printed tie at rank 2 with equal scores, and a unit with a score but no rank
    rows = _rows(
        [
            (2024, DN, 60.0, 2, "published"),
            (2024, HP, 60.0, 2, "published"),
            (2024, QN, 70.0, 1, "published"),
            (2024, HN, 65.0, None, "published"),
        ],
        n=63,
    )
    chart = plots.ranked_bars(DrawingContext(lang), rows, 2024)
    drawn = [t.get_text().split(" ", 1)[1] for t in chart.figure.axes[0].get_yticklabels()]
    table = ranking_table(rows, 2024, [], lang, top_n=10)
    html = table.as_raw_html()
    positions = [html.index(f">{name}<") for name in drawn]
    assert positions == sorted(positions), drawn
    assert drawn[0] in chart.alt_text and drawn == ["Quảng Ninh", "Hải Phòng", "Đà Nẵng", "Hà Nội"]
    for shuffled in (rows.iloc[::-1], rows.sample(frac=1, random_state=1)):
        again = plots.ranked_bars(DrawingContext(lang), shuffled, 2024)
        assert [t.get_text().split(" ", 1)[1] for t in again.figure.axes[0].get_yticklabels()] == drawn


@pytest.mark.parametrize("lang", LANGS)
def test_no_largest_rise_is_named_among_the_units_of_two_top_lists(lang):
    codes = sorted(provinces())[:12]
    units = list(enumerate(codes))
    tops = _rows([(y, c, None, (i + y) % 12 + 1, "published") for y in (2019, 2020) for i, c in units], n=63)
    keys = [getattr(s, "key", "") for s in findings.index_sentences(tops, lang)]
    assert "findings.partial_for_change" in keys and "findings.index_rise" not in keys


@pytest.mark.parametrize("lang", LANGS)
def test_a_derived_mean_on_a_map_is_marked_and_explained(lang):
    values = _unit_values(missing=0).assign(value_basis="published")
    qn_unit = next(c for c, u in units_2025().items() if QN in u.member_codes)
    values.loc[values["province_code"].eq(qn_unit), "value_basis"] = "derived: mean of member provinces"
    chart = plots.choropleth(
        DrawingContext(lang), values, "34", index="dti", year=2024, highlight=["Quảng Ninh"]
    )
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert legend[-1].endswith("†") and fmt.computed_legend(lang) in chart.footer.replace("\n", " ")


@pytest.mark.parametrize("lang", LANGS)
def test_the_programme_tables_mark_computed_ranks_and_derived_means(lang):
    from egov_analysis.analysis.phases import reader_table

    frame = pd.DataFrame(
        {
            "index": ["pci", "pci"],
            "year": [2016, 2017],
            "rank": pd.array([3, 1], dtype="Int64"),
            "rank_basis": ["published", "computed"],
            "mean_score": [60.123, 61.5],
        }
    )
    html = reader_table(
        frame, {"index": "index", "rank": "rank", "mean_score": "mean_score"}, lang
    ).as_raw_html()
    assert (
        ">1†<" in html and ">3<" in html and "60" in html and html.count(fmt.computed_legend(lang)[:30]) == 1
    )
    assert re.search(r">60[.,]12†<", html)


@pytest.mark.parametrize(("lang", "shown"), [("vi", "TP. Hồ Chí Minh"), ("en", "Ho Chi Minh City")])
def test_the_landing_pages_search_names_the_city_as_readers_know_it(lang, shown):
    from egov_analysis.reporting.index_page import picker_and_search

    _picker, items = picker_and_search([], {}, lang)
    names = {i["t"] for i in items}
    assert shown in names and "Hồ Chí Minh" not in names
    city = next(i for i in items if i["t"] == shown)
    assert "ho chi minh" in city["s"]  # still found by its canonical name


def test_the_landing_page_explains_a_marked_finding_once_and_names_each_editions_publisher(
    tmp_path, monkeypatch
):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import test_site_pages as small_site

    from egov_analysis.reporting import site

    monkeypatch.setattr(site, "first_finding", lambda notebook, lang: "PAPI 2024: Quảng Ninh ranks 3† of 61.")
    paths, _ = small_site._write_site(tmp_path)
    for lang in LANGS:
        page = (paths.reports / ("index.html" if lang == "en" else "index.vi.html")).read_text("utf-8")
        assert page.count(fmt.computed_legend(lang)) == 1
    english = (paths.reports / "index.html").read_text("utf-8")
    assert re.search(
        r'published by <a href="[^"]+">Ministry of Information and Communications</a> \(2020–2023\); '
        r'published by <a href="[^"]+">Ministry of Science and Technology</a> \(2024\)',
        english,
    )


def test_a_computed_rank_beside_a_correlation_is_marked():
    x = [float(i) for i in range(12)]
    pairs = _pairs(x, [3 * v + 1 for v in x])
    code = pairs["province_code"].iloc[0]
    ranks = pd.DataFrame(
        {"province_code": [code], "year": [2016], "rank": [12], "n_ranked": [63], "rank_basis": ["computed"]}
    )
    found = findings.relationship_findings(
        pairs,
        "pci",
        "papi",
        2016,
        1.0,
        1.0,
        [code],
        "en",
        "x",
        x_rows=ranks,
        y_rows=ranks.assign(rank_basis="published"),
    )
    line = next(s for s in found.sentences if s.startswith(provinces()[code].name))
    assert (
        "rank 12 / 63†" in line and line.count("†") == 1 and found.sentences[-1] == fmt.computed_legend("en")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_sum_of_several_stated_budget_totals_is_marked_as_derived(lang):
    from egov_analysis.analysis.phases import reader_table

    totals = pd.DataFrame(
        {"phase_id": ["a", "b"], "basis": ["approved", "approved"], "amount": [646.0, 416.9]}
    )
    totals = totals.assign(items=[1, 2])
    html = reader_table(totals, {"basis": "basis", "amount": "amount"}, lang).as_raw_html()
    assert re.search(r">646[.,]0<", html) and re.search(r">416[.,]9†<", html)
    assert html.count(fmt.computed_legend(lang)[:30]) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_programmes_pci_ranks_mark_a_computed_rank(lang):
    from egov_analysis.analysis.programme_findings import _pci_ranks

    outcomes = pd.DataFrame(
        {
            "index": "pci",
            "indicator": "overall",
            "year": [2016, 2017],
            "rank": [2, 1],
            "rank_basis": ["published", "computed"],
            "n_ranked": [63, 63],
        }
    )
    sentence = _pci_ranks(outcomes, "Quảng Ninh", lang)
    assert sentence.count("†") == 2  # the best (2017) and the latest (2017) rank, both computed
    assert "†" not in _pci_ranks(outcomes.assign(rank_basis="published"), "Quảng Ninh", lang)


# a word standing in for the mark: "(derived)", "(suy ra)", "(tính toán)", "giá trị suy ra)"
WORD_AS_MARK = re.compile(r"\((?:[^()]*, )?(?:derived|suy ra|tính toán|số tính toán|giá trị suy ra)\)")


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_writes_a_word_where_the_computed_mark_belongs(lang):
    """One mark, one legend: a derived value carries †, never "(suy ra)" or "(derived)"."""
    found = {k: v for k, v in messages.catalogue(lang).items() if WORD_AS_MARK.search(str(v))}
    assert not found, found


@pytest.mark.parametrize("lang", LANGS)
def test_real_amounts_carry_the_mark_in_tables_and_on_charts_with_the_legend(lang):
    from egov_analysis.analysis.phases import reader_table
    from egov_analysis.plots.footer import finish
    from egov_analysis.plots.layout import new_figure
    from egov_analysis.plots.programme import _nominal_real_bars

    items = pd.DataFrame({"item": ["a"], "amount": [646.0], "amount_real": [1050.26]})
    html = reader_table(items, {"amount": "amount", "amount_real": "amount_real"}, lang).as_raw_html()
    assert re.search(r">646[.,]0<", html) and re.search(r">1[.,]?050[.,]3†<", html)
    assert html.count(fmt.computed_legend(lang)[:30]) == 1
    ctx = DrawingContext(lang)
    fig, ax = new_figure(6, 3)
    _nominal_real_bars(ctx, ax, pd.Series([646.0]), pd.Series([1050.26]), 2024)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1].endswith("†") and not WORD_AS_MARK.search(labels[1])
    chart = finish(ctx, fig, kind="t", name="t", data=items, title="t", sources=["s"], notes=[], alt_text="a")
    assert chart.footer.replace("\n", " ").count(fmt.computed_legend(lang)[:30]) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_tables_sources_name_each_sites_source_class(lang):
    """A footer names every source with its class (meta/source_classes.csv): a research repository
    on github.com is a third party's compilation, the publisher's mirrored file is the publisher's."""
    import html as html_module

    from bs4 import BeautifulSoup

    from egov_analysis.tables import sources_note

    urls = [
        "https://github.com/mdtrinh/vietnamdata/blob/0123abc/data-raw/PCI/pci2015.xlsx",
        "https://github.com/hnks-gh/ml-mcdm/blob/main/papi_2020.csv",
        "https://baoquangninh.vn/a.html",
        "https://www.quangninh.gov.vn/b.html",
        "https://baoquangninh.vn/c.html",  # the same site and class: named once
    ]
    note = BeautifulSoup(sources_note(urls, lang), "html.parser").get_text()
    names = {c: fmt.display_name("source_class", c, lang) for c in meta_classes()}
    for site, source_class in [
        ("github.com", "publisher_file"),
        ("github.com", "third_party_compilation"),
        ("baoquangninh.vn", "press"),
        ("quangninh.gov.vn", "provincial_government"),
    ]:
        assert f"{site} ({names[source_class]})" in note, note
    assert note.count("baoquangninh.vn") == 1
    html = people_table(pd.DataFrame({"a": [1]}), [Column("a", "tables.column.year")], lang, sources=urls)
    assert html_module.escape(names["third_party_compilation"]) in html.as_raw_html()


def meta_classes() -> list[str]:
    from egov_analysis import meta

    return list(meta.source_classes()["class"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_change_chart_is_left_out_with_the_findings_reason_among_a_top_list(lang):
    """The rise/fall chart follows the findings' rule: among a handful of units, or the units of
    two top lists, no change chart is drawn, and the page says why in the findings' words."""
    from egov_analysis.plots.chart import NoChart

    codes = sorted(provinces())
    tops = _rows(
        [(y, c, None, (i + y) % 12 + 1, "published") for y in (2019, 2020) for i, c in enumerate(codes[:12])],
        n=63,
    )
    chart = plots.dumbbell(DrawingContext(lang), tops, 2019, 2020)
    said = findings.index_sentences(tops, lang)
    assert isinstance(chart, NoChart) and chart.reason in said
    few = _rows(
        [(y, c, None, (i + y) % 5 + 1, "published") for y in (2019, 2020) for i, c in enumerate(codes[:5])]
    )
    assert isinstance(plots.dumbbell(DrawingContext(lang), few, 2019, 2020), NoChart)
    whole = _rows(
        [(y, c, None, (i + y) % 12 + 1, "published") for y in (2019, 2020) for i, c in enumerate(codes[:12])],
        n=12,
    )
    assert not isinstance(plots.dumbbell(DrawingContext(lang), whole, 2019, 2020), NoChart)


@pytest.mark.parametrize("lang", LANGS)
def test_a_province_merged_away_is_counted_apart_in_the_rank_grid(lang):
    """PCI 2006–2008 ranked Hà Tây on its own: the grid has its row, but the alt text counts the
    provinces and names Hà Tây apart, so that 63 provinces never read as "64 units"."""
    hatay = "28"
    entries = [
        (y, c, None, i + 1, "published") for y in (2007, 2008) for i, c in enumerate([QN, HN, HP, hatay])
    ]
    entries += [(2009, c, None, i + 1, "published") for i, c in enumerate([QN, HN, HP])]
    chart = plots.rank_heatmap(DrawingContext(lang), _rows(entries, n=None))
    assert len(chart.figure.axes[0].get_yticklabels()) == 4  # Hà Tây keeps its row
    n_units = {"en": "for 3 units and Hà Tây", "vi": "gồm 3 đơn vị và Hà Tây"}[lang]
    assert n_units in chart.alt_text and "Hà Nội" in chart.alt_text and " 4 " not in chart.alt_text


@pytest.mark.parametrize("lang", LANGS)
def test_the_leader_is_of_the_latest_year_with_a_rank_held(lang):
    """PAPI 2024 is held as scores without ranks: the key finding names 2023's leader (its rank
    computed, so marked), not a coverage caveat in place of a finding."""
    entries = [(2023, c, 46.0 - i, i + 1, "computed") for i, c in enumerate([QN, HN, HP])]
    entries += [(2024, c, 47.0 - i, None, "computed") for i, c in enumerate([QN, HN, HP])]
    said = findings.index_sentences(_rows(entries, n=3), lang)
    name = provinces()[QN].display_name(lang)
    first = {"en": f"{name} ranks first†", "vi": f"{name} dẫn đầu†"}[lang]  # the mark on the place
    assert said[0].startswith("PCI 2023: ") and first in said[0]


def test_papis_partner_vff_crt_is_named_as_it_names_itself_in_vietnamese():
    """VFF-CRT is the Fatherland Front's Centre for Research and Training ("Trung tâm Bồi dưỡng cán
    bộ và Nghiên cứu khoa học"), not a "Ban Công tác Mặt trận" (a commune-level front committee)."""
    from egov_analysis import meta

    for publisher in (meta.indices()["papi"].publisher_in("vi"), *meta.edition_publishers("papi", "vi")):
        assert "Trung tâm Bồi dưỡng cán bộ và Nghiên cứu khoa học Mặt trận Tổ quốc Việt Nam" in publisher
        assert "Ban Công tác Mặt trận" not in publisher


# English words a checked line of the Vietnamese edition once printed ("rank", "of", "scores", "vs")
ENGLISH_IN_CHECKED = re.compile(r"\b(rank|ranks|of|scores|vs|in|and)\b")


def test_the_checked_key_numbers_are_written_in_the_reports_language():
    """keep_output cells print their key numbers through the catalogue, so that the Vietnamese
    edition's checked cells hold no English word, and a computed rank keeps its mark."""
    lines = [
        fmt.rank_line("Quảng Ninh", 2022, 1, 61, "vi", "computed"),
        fmt.coverage_line("pci", 2005, 2024, 1134, 1135, "vi"),
        fmt.correlation_line("pci", "papi", 2016, 63, 0.162, 0.181, "vi"),
    ]
    assert lines[0] == "Quảng Ninh 2022: hạng 1/61†" and "1.134 điểm" in lines[1] and "r = 0,16" in lines[2]
    assert not [line for line in lines if ENGLISH_IN_CHECKED.search(line)], lines
    assert fmt.rank_line("Quảng Ninh", 2017, 1, 63, "en", "published") == "Quảng Ninh 2017: rank 1 / 63"


def test_no_checked_cell_of_a_notebook_writes_words_of_its_own():
    """A keep_output cell that prints words takes them from the catalogue (formatting's *_line
    functions): an f-string of English words would reach the Vietnamese edition's checked cell."""
    import nbformat

    from egov_analysis import config

    found = []
    for path in sorted(config.paths().notebooks.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "keep_output" in cell.metadata.get("tags", []):
                literals = re.findall(r"f\"([^\"]*)\"", cell.source)
                found += [
                    (path.name, s) for s in literals if ENGLISH_IN_CHECKED.search(re.sub(r"{[^}]*}", "", s))
                ]
    assert not found, found


@pytest.mark.parametrize("lang", LANGS)
def test_the_programme_outcomes_mark_a_papi_sum_and_the_medians(lang):
    """The phase page's outcome rows: a PAPI total is a sum of dimensions and the national and
    regional medians are computed; each carries the mark, a published score does not."""
    from egov_analysis.analysis.phases import reader_table

    rows = pd.DataFrame(
        {
            "index": ["papi", "pci"],
            "year": [2011, 2011],
            "status": ["held", "held"],
            "score": [34.9086, 63.25],
            "score_basis": ["computed", "published"],
            "national_median": [35.66, 59.43],
            "peers_median": [35.73, 60.1],
        }
    )
    keys = {"score": "score", "national_median": "national_median", "peers_median": "peers_median"}
    html = reader_table(rows, keys, lang).as_raw_html()
    sep = "." if lang == "en" else ","
    for cell in (f"34{sep}91†", f"35{sep}66†", f"35{sep}73†", f"59{sep}43†", f"60{sep}10†"):
        assert f">{cell}<" in html, cell
    assert f">63{sep}25<" in html and html.count(fmt.computed_legend(lang)[:30]) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_mark_of_a_best_rank_belongs_to_the_years_it_was_computed_not_the_whole_span(lang):
    """ICT Index, Quảng Ninh: rank 3 printed in 2019, 2020 and 2022, computed in 2023: not
    "3† (2019–2020, 2022–2023)", which marks a span the publisher mostly printed."""
    rows = _rows(
        [
            (2016, QN, None, 4, "published"),
            (2019, QN, None, 3, "published"),
            (2020, QN, None, 3, "published"),
            (2022, QN, None, 3, "published"),
            (2023, QN, None, 3, "computed"),
        ],
        n=63,
    )
    sentence = next(s for s in findings.province_sentences(rows, QN, lang) if "2016" in s)
    assert (
        fmt.year_span([2019, 2020, 2022], lang) in sentence
        and "3† (2023)" in sentence
        and "4 (2016)" in sentence
    )
    assert "2022–2023" not in sentence


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        (
            "en",
            "ICT Index 2006: values as compiled in a third party's file",
            "published by publisher not named",
        ),
        ("vi", "kho dữ liệu); chưa rõ đơn vị công bố (không nguồn nào đang lưu nêu tên)", "do chưa rõ"),
    ],
)
def test_an_unnamed_publisher_is_said_to_be_unnamed_not_named_as_a_publisher(lang, said, not_said):
    """Review L7: "published by a publisher no source held names (2006)" read as machine output."""
    from egov_analysis import meta
    from egov_analysis.plots.footer import third_party_line

    unnamed = meta.edition_publisher("ict", 2006)
    assert not unnamed.named and not unnamed.url
    line = third_party_line("ICT Index", [2006], unnamed.name_in(lang), lang)
    assert said in line and not_said not in line
    named = third_party_line("PCI", [2017, 2018], meta.edition_publisher("pci", 2017).name_in(lang), lang)
    assert {"en": "PCI 2017–2018: values published by VCCI", "vi": "PCI 2017–2018: giá trị do"}[lang] in named
