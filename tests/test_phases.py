"""Stages, year labels, budgets without invented yearly amounts, ranking claims and outcomes on
every index, on the project's real data (and inline data where a case is not in it)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from egov_analysis import config
from egov_analysis.analysis import phases as ph
from egov_analysis.analysis.real import phase_totals, to_real
from egov_analysis.datasets import load
from egov_analysis.meta import messages

SEED_TITLE = "“Chìa khóa” của xây dựng chính quyền điện tử"
# the two totals of the article that must never be divided into yearly amounts
TOTALS = {"projects_approved_2017": 330.9e9, "new_projects_2018_2020": 86e9}


@pytest.fixture(scope="module")
def processed(real_processed) -> config.Paths:
    return real_processed


@pytest.fixture(scope="module")
def tables(processed) -> dict[str, pd.DataFrame]:
    names = ("phases", "budget", "goals", "milestones", "cpi", "indices")
    return {name: load(name, processed) for name in names}


@pytest.fixture(scope="module")
def qn_outcomes(tables) -> pd.DataFrame:
    """Quảng Ninh's outcomes on every index (``ph.outcomes`` of the real tables: ~2.5 CPU-s, once)."""
    return ph.outcomes(tables["indices"], "22", tables["phases"])


def test_a_stage_begins_in_2015_and_the_scheme_ran_2012_to_2017(tables):
    spans = ph.stage_spans(tables["phases"]).set_index("phase_id")
    assert spans.loc["egov_next_stage_2015", "first_year"] == 2015
    assert spans.loc["egov_next_stage_2015", "open_end"]
    assert (spans.loc["egov_scheme_2012_2017", ["first_year", "last_year"]] == [2012, 2017]).all()
    assert set(spans.loc["smart_city_2017_2020", "periods_stated"].split("; ")) == {"2017–2020", "2016–"}
    assert spans.loc["egov_stage_2017_2020", "n_sources"] == 2


def test_years_before_the_programme_are_before_never_between(tables):
    labels = ph.label_years(range(2005, 2026), tables["phases"]).set_index("year")
    assert set(labels.loc[2005:2011, "period"]) == {"before"}
    assert labels.loc[2011, "other_plans"] == "it_plan_2011_2015"  # beside the programme, not in it
    assert "between" not in set(labels["period"])
    assert labels.loc[2016, "period"] == "during"
    assert "egov_next_stage_2015" in labels.loc[2016, "stages"]
    assert "egov_scheme_2012_2017" in labels.loc[2016, "stages"]
    assert labels.loc[2012, "stages"] == "egov_plan_2012_2014 + egov_scheme_2012_2017"


def test_between_and_after_on_inline_stages():
    phases = pd.DataFrame(
        {
            "phase_id": ["a", "b"],
            "kind": ["stage", "stage"],
            "in_programme": [True, True],
            "name_en": ["A", "B"],
            "name_vi": ["A", "B"],
            "start_year": pd.array([2012, 2016], dtype="Int64"),
            "end_year": pd.array([2013, pd.NA], dtype="Int64"),
            "known_until": pd.array([pd.NA, 2018], dtype="Int64"),
            "source_url": ["https://a", "https://b"],
        }
    )
    labels = ph.label_years([2011, 2012, 2014, 2015, 2018, 2019], phases).set_index("year")["period"]
    assert labels.to_dict() == {
        2011: "before",
        2012: "during",
        2014: "between",
        2015: "between",
        2018: "during",
        2019: "after",
    }


def test_yearly_amounts_only_where_a_source_gives_the_year(tables):
    by_year = ph.budget_by_year(tables["budget"], tables["cpi"], 2024)
    assert by_year["year"].tolist() == [2012, 2013, 2014]
    assert by_year["amount_vnd"].tolist() == [100 * 10**9, 299 * 10**9, 247 * 10**9]
    assert set(by_year["item"]) == {"tranche_2012", "tranche_2013", "tranche_2014"}
    assert set(by_year["real_basis"]) == {"derived"}


def _forbidden(cpi: pd.DataFrame) -> list[float]:
    """Every per-year split (2, 3 or 4 years) of the two totals, nominal and real in any base year."""
    values = []
    price_year = {"projects_approved_2017": 2017, "new_projects_2018_2020": 2018}
    for item, amount in TOTALS.items():
        amounts = [amount]
        for base in range(2017, 2026):
            amounts.append(
                float(to_real(pd.Series([amount]), pd.Series([price_year[item]]), base, cpi).iloc[0])
            )
        values += [a / n for a in amounts for n in (2, 3, 4)]
    return values


def _money_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if any(k in c.lower() for k in ("amount", "vnd", "bn", "billion"))]


def _scan(
    frame: pd.DataFrame, forbidden: list[float], where: str, sourced: frozenset = frozenset()
) -> list[str]:
    """Per-year columns, and money cells equal to a split of a total (amounts a source printed
    as such, e.g. 33 billion VND of postage saved, are not splits)."""
    found = [f"{where}: column {c!r} is a per-year amount" for c in frame.columns if "per_year" in c.lower()]
    for column in _money_columns(frame):
        for value in pd.to_numeric(frame[column], errors="coerce").dropna():
            if value in sourced:
                continue
            for scale in (1, 1e9, 1e6):  # VND, billions, millions
                if any(math.isclose(value * scale, f, rel_tol=1e-3) for f in forbidden):
                    found.append(f"{where}: {column} = {value}")
    return found


def test_no_output_holds_a_per_year_amount_of_the_two_totals(tables, processed, tmp_path):
    from egov_analysis import plots
    from egov_analysis.plots import programme_outcomes as charts

    budget, cpi = tables["budget"], tables["cpi"]
    forbidden = _forbidden(cpi)
    items = ph.budget_items(budget, cpi, 2024)
    ctx = plots.DrawingContext(lang="en", out_dir=tmp_path)
    charts.budget_chart(ctx, items, 2024)
    charts.tranches_chart(ctx, ph.budget_by_year(budget, cpi, 2024), 2024)
    frames = {
        "budget_items()": items,
        "budget_by_year()": ph.budget_by_year(budget, cpi, 2024),
        "phase_totals()": phase_totals(budget, cpi, 2024),
    }
    # the programme's processed tables (the ministry's provincial budgets are other money)
    programme = ("budget", "goals", "milestones", "phases", "programme_conflicts")
    frames |= {f"processed/{name}": load(name, processed) for name in programme}
    figures = [*tmp_path.glob("*.csv"), *config.paths().figures.glob("phase_comparison*/*.csv")]
    frames |= {str(p): pd.read_csv(p) for p in figures}
    sourced = frozenset(tables["milestones"]["amount_vnd"].dropna().astype(float))
    problems = [p for where, frame in frames.items() for p in _scan(frame, forbidden, where, sourced)]
    assert problems == []
    # the scan can fail: a frame that splits 330.9 billion over three years is caught
    split = pd.DataFrame({"amount_vnd": [330.9e9 / 3] * 3})
    assert _scan(split, forbidden, "split")


def test_counts_stay_beside_the_totals(tables):
    items = ph.budget_items(tables["budget"], tables["cpi"], 2024).set_index("item")
    assert items.loc["projects_approved_2017", "n_projects_or_tasks"] == 7
    assert (items.loc["new_projects_2018_2020", ["n_projects", "n_tasks"]] == [9, 3]).all()
    assert items.loc["new_projects_2018_2020", "period"] == "2018–2020"
    sentences = ph.budget_findings(items.reset_index(), "en")
    assert sentences[0] == "2017: 330.9 billion VND approved for 7 projects and tasks."
    assert sentences[1] == "2018–2020: 86.0 billion VND planned for 9 projects and 3 tasks."
    vi = ph.budget_findings(items.reset_index(), "vi")
    assert vi == [
        "Năm 2017: 330,9 tỷ đồng đã phê duyệt cho 7 dự án, nhiệm vụ.",
        "Giai đoạn 2018–2020: 86,0 tỷ đồng dự kiến cho 9 dự án và 3 nhiệm vụ.",
    ]


def test_every_fact_of_the_article_is_found_by_its_title(tables):
    facts = ph.source_facts(
        SEED_TITLE, tables["phases"], tables["budget"], tables["goals"], tables["milestones"]
    )
    assert set(facts["table"]) == {"phases", "budget", "goals", "milestones"}
    assert (
        facts["source_date"].eq("2018-08-16").all()
        and facts["source_url"].eq("https://baoquangninh.vn/").all()
    )
    printed = set(facts["value_as_printed"])
    assert {"229", "231", "27", "14", "4", "100", "22/22", "6", "4/63", "2015", "2012-2017"} <= printed
    assert {"330,9 tỷ đồng", "86 tỷ đồng"} <= printed  # as printed; the counts have their own columns
    money = facts[facts["table"].eq("budget")].set_index("value_as_printed")
    assert money.loc["86 tỷ đồng", ["n_projects", "n_tasks"]].tolist() == [9, 3]
    shown = set(ph.fact_values(facts, "vi"))
    assert {"330,9 tỷ đồng (7 dự án, nhiệm vụ)", "86 tỷ đồng (9 dự án và 3 nhiệm vụ)"} <= shown
    shown_en = set(ph.fact_values(facts, "en"))
    assert "86 tỷ đồng (9 projects and 3 tasks)" in shown_en
    assert not [v for v in shown | shown_en if "n_projects" in v or "n_tasks" in v]


def test_ranking_claims_against_published_values(tables):
    claims = ph.ranking_claims(tables["milestones"], tables["indices"], "22")
    status = claims.drop_duplicates("claim").set_index("claim")["claim_status"]
    assert status["Claim: PCI 2017 national rank"] == "matches"
    assert status["Claim: PAR Index 2017 national rank"] == "matches"
    ict = claims[claims["claim"].str.startswith("Claim: ICT Index")].set_index(["role", "year"])
    assert status[
        ict.index.size and "Claim: ICT Index rank of 63, two years running (editions not named)"
    ] == ("partly matched")
    assert ict.loc[("claimed", 2016), "published_rank"] == 4
    assert ict.loc[("claimed", 2016), "candidates"] == "2015+2016|2016+2017"
    assert ict.loc[("claimed", 2017), "year_status"] == "not held"
    assert ict.loc[("claimed", 2015), "year_status"] == "not held"
    assert ict.loc[("related", 2017), "published_rank"] == 4  # the 2017 e-government ranking
    sentences = ph.claim_findings(claims, "en")
    assert any("partly matched" in s and "ICT Index 2017: not among the values held" in s for s in sentences)


def test_a_claim_that_the_published_values_contradict_is_said_to_disagree(tables):
    panel = tables["indices"].copy()
    pci_2017 = panel["index"].eq("pci") & panel["year"].eq(2017) & panel["province_code"].eq("22")
    panel.loc[pci_2017 & panel["indicator"].eq("overall"), "rank"] = 2
    claims = ph.ranking_claims(tables["milestones"], panel, "22")
    status = claims.drop_duplicates("claim").set_index("claim")["claim_status"]
    assert status["Claim: PCI 2017 national rank"] == "disagrees"


def test_outcomes_on_all_seven_indices(qn_outcomes, tables):
    table = qn_outcomes.copy()
    overall = table[table["indicator"].eq("overall")]
    assert set(overall["index"]) == {"pci", "papi", "par", "sipas", "ict", "dti", "egov_mic"}
    status = table.set_index(["index", "indicator", "year"])["status"]
    assert status[("pci", "overall", 2017)] == "held"
    assert status[("papi", "overall", 2021)] == "not held"  # not published: sample problems
    assert status[("ict", "overall", 2021)] == "no edition"
    assert status[("papi", "e_governance", 2017)] == "not in the index yet"
    assert status[("papi", "e_governance", 2018)] == "held"
    assert status[("egov_mic", "overall", 2017)] == "held"
    row = table.set_index(["index", "indicator", "year"]).loc[("pci", "overall", 2011)]
    assert row["period"] == "before" and row["national_complete"]
    assert row["peers_n_score"] == 10  # the Red River Delta without Quảng Ninh
    assert table.loc[table["index"].eq("pci") & table["indicator"].ne("overall"), "indicator"].nunique() >= 9


def test_no_computed_value_of_the_outcomes_is_called_published(qn_outcomes, tables):
    """A row's status says whether the value is held; whether it is published or computed is said
    once, by score_basis and rank_basis (a PAPI total summed by the project is not "published")."""
    table = qn_outcomes.copy()
    assert "published" not in set(table["status"])
    computed = table[table["score_basis"].eq("computed").fillna(False)]
    assert len(computed) and set(computed["status"]) == {"held"}
    papi_2011 = table.set_index(["index", "indicator", "year"]).loc[("papi", "overall", 2011)]
    assert (papi_2011["status"], papi_2011["score_basis"]) == ("held", "computed")
    for lang, word in (("en", ">held<"), ("vi", ">có trong dữ liệu đang lưu<")):
        html = ph.reader_table(table.head(3), {"year": "year", "status": "status"}, lang).as_raw_html()
        assert word in html and "published" not in html and "công bố" not in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_papi_total_a_source_prints_says_whose_it_is_among_the_sums(qn_outcomes, tables, tmp_path, lang):
    """PAPI 2020 Quảng Ninh (48.811, a government site) and 2024 (47.8212, the press) stand among
    the project's sums: the phase page's table gives each row's class of source beside the mark,
    and the score chart's footer names the printed years and their classes."""
    from egov_analysis import formatting, plots
    from egov_analysis.plots import programme_outcomes as charts

    table = qn_outcomes.copy()
    papi = table[table["index"].eq("papi") & table["indicator"].eq("overall") & table["score"].notna()]
    by_year = papi.set_index("year")
    assert (by_year.loc[2020, "score_basis"], by_year.loc[2020, "source_class"]) == (
        "published",
        "provincial_government",
    )
    assert (by_year.loc[2024, "score_basis"], by_year.loc[2024, "source_class"]) == ("published", "press")
    assert by_year.loc[2011, "score_basis"] == "computed"
    html = ph.reader_table(
        papi, {"year": "year", "score": "score", "source_class": "source_class"}, lang
    ).as_raw_html()
    for source_class in ("provincial_government", "press", "third_party_compilation"):
        assert f">{formatting.display_name('source_class', source_class, lang)}<" in html
    spans = ph.stage_spans(tables["phases"])
    ctx = plots.DrawingContext(lang=lang, out_dir=tmp_path)
    chart = charts.score_distribution_chart(ctx, table, spans, "Quảng Ninh", "papi", "overall")
    footer = chart.footer.replace("\n", " ")
    printed = "the score as a source prints it" if lang == "en" else "điểm do nguồn in ra"
    assert printed in footer and "2020" in footer.split(printed)[0].rsplit("PAPI", 1)[-1]
    assert formatting.display_name("source_class", "press", lang) in footer


def test_outcomes_before_during_after_each_stage(qn_outcomes, tables):
    table = qn_outcomes.copy()
    by_stage = ph.outcomes_by_stage(table, tables["phases"]).set_index(
        ["index", "indicator", "phase_id", "window"]
    )
    before = by_stage.loc[("pci", "overall", "egov_scheme_2012_2017", "before")]
    assert before["years"] == 7 and before["n_held"] == 7  # 2005-2011
    during = by_stage.loc[("pci", "overall", "egov_scheme_2012_2017", "during")]
    assert (during["years"], during["best_rank"]) == (6, 1)
    assert ("papi", "e_governance", "egov_scheme_2012_2017", "during") in by_stage.index
    assert pd.isna(by_stage.loc[("papi", "e_governance", "egov_scheme_2012_2017", "during"), "mean_score"])
    # 2005-2011 crosses PCI's 2006 break: no mean on two scales, the break named instead
    assert pd.isna(before["mean_score"]) and before["series_breaks"] == "2006"
    assert by_stage["series_breaks"].eq("").any() and by_stage["mean_score"].notna().any()
    assert set(by_stage["best_rank_basis"].dropna()) <= {"published", "computed"}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_window_across_a_break_shows_no_mean_and_a_best_rank_no_year_printed_is_marked(lang):
    from egov_analysis.formatting import computed_legend

    frame = pd.DataFrame(
        {
            "index": ["papi", "papi"],
            "indicator": ["overall", "overall"],
            "window": ["before", "after"],
            "mean_score": pd.array([pd.NA, 42.5], dtype="Float64"),
            "best_rank": pd.array([3, 1], dtype="Int64"),
            "best_rank_basis": ["published", "computed"],
            "series_breaks": ["2018", ""],
        }
    )
    html = ph.reader_table(
        frame,
        {"index": "index", "window": "window", "mean_score": "mean_score", "best_rank": "best_rank"},
        lang,
    ).as_raw_html()
    assert "2018" in html and re.search(r">1†<", html) and re.search(r">3<", html), html
    assert html.count(computed_legend(lang)[:30]) == 1


def test_the_outcomes_rank_chart_stops_its_line_at_gaps_and_breaks_and_marks_unranked_scores(tmp_path):
    import numpy as np

    from egov_analysis import plots
    from egov_analysis.plots import programme_outcomes as charts

    years = list(range(2016, 2023))
    status = ["held", "held", "held", "held", "not held", "held", "held"]
    ranks = [10, 12, 5, 6, None, 4, None]  # 2022: a score with no rank
    outcomes = pd.DataFrame(
        {
            "index": "papi",
            "indicator": "overall",
            "year": pd.array(years, dtype="Int64"),
            "status": status,
            "rank": pd.array(ranks, dtype="Int64"),
            "score": pd.array([40.0, 41.0, 45.0, 46.0, None, 47.0, 44.0], dtype="Float64"),
        }
    )
    spans = pd.DataFrame({"in_programme": [True], "first_year": [2012], "last_year": [2020]})
    ctx = plots.DrawingContext(lang="en", out_dir=tmp_path)
    chart = charts.outcomes_rank_chart(ctx, outcomes, spans, "Quảng Ninh", panels=(("papi", "overall"),))
    ax = chart.figure.axes[0]
    line = next(m for m in ax.lines if m.get_marker() == "o")
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    # no segment joins 2017 to 2018 (the break) or runs through 2020 (no value held)
    assert 2017.5 in x and np.isnan(y[list(x).index(2017.5)])
    assert np.isnan(y[list(x).index(2020.0)])
    squares = [m for m in ax.lines if m.get_marker() == "s"]
    assert [float(v) for v in squares[0].get_xdata()] == [2022.0]
    assert "hollow squares" in chart.footer and "series break in 2018" in chart.footer
    assert [m for m in ax.lines if m.get_linestyle() == ":"]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_budget_alt_text_names_the_largest_item_in_words_not_tick_dots(tables, lang):
    from egov_analysis import plots
    from egov_analysis.plots import programme_outcomes as charts

    items = ph.budget_items(tables["budget"], tables["cpi"], 2024)
    chart = charts.budget_chart(plots.DrawingContext(lang=lang, out_dir=None), items, 2024)
    # "the largest nominal item is dự kiến · tổng số · 2012" read as raw chart code
    assert " · " not in chart.alt_text
    assert {"en": "the total (", "vi": "tổng số ("}[lang] in chart.alt_text


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_claim_is_quoted_as_its_source_printed_it_once_per_claim(lang):
    """The claims table and findings give the source's own words in quotation marks (the English
    edition beside its English label), never only a restatement, and the table gives a claim's
    quote once, not on each of its edition rows."""
    quote = "2 năm liền Quảng Ninh đứng thứ 4/63 tỉnh, thành phố về chỉ số sẵn sàng ứng dụng CNTT"
    claims = pd.DataFrame(
        {
            "claim": ["Claim: ICT rank, two years running"] * 3,
            "quote_vi": [quote] * 3,
            "index": ["ict"] * 3,
            "year": [2015, 2016, 2017],
            "role": ["claimed"] * 3,
            "candidates": ["2015+2016", "2015+2016|2016+2017", "2016+2017"],
            "published_rank": [pd.NA, 4, pd.NA],
            "n_ranked": [pd.NA, 63, pd.NA],
            "year_status": ["not held", "matches", "not held"],
            "claim_status": ["partly matched"] * 3,
        }
    )
    html = ph.reader_table(claims, {"claim": "claim", "index": "index", "year": "year"}, lang).as_raw_html()
    assert html.count(f"“{quote}”") == 1
    (sentence,) = ph.claim_findings(claims, lang)
    assert f"“{quote}”" in sentence
    if lang == "en":
        assert "Claim: ICT rank, two years running" in sentence


def test_an_edition_in_two_candidate_pairs_is_one_row_of_the_claims_table():
    # the phase page's claims table showed ICT 2016 twice (once per candidate pair 2015+2016 and
    # 2016+2017): the table holds one row per claim, role and edition, naming both pairs
    metric = "Claim: ICT Index rank of 63, two years running (editions not named)"
    milestones = pd.DataFrame(
        [
            {
                "metric": m,
                "value": 4,
                "denominator": 63,
                "source_url": "https://example.org/a",
                "source_title": "t",
                "source_date": "2018-08-01",
                "quote_vi": "q",
            }
            for m in ("Claim: PCI 2017 national rank", "Claim: PAR Index 2017 national rank", metric)
        ]
    )
    panel = pd.DataFrame(
        {
            "province_code": "22",
            "geography": "provinces_63",
            "index": "ict",
            "indicator": "overall",
            "year": [2016],
            "rank": [4],
            "rank_basis": ["published"],
            "n_ranked": [63],
            "score": [0.7],
            "source_url": ["https://example.org/b"],
        }
    )
    claims = ph.ranking_claims(milestones, panel, "22")
    assert not claims.duplicated(["claim", "role", "index", "year"]).any()
    ict = claims[claims["claim"].eq(metric) & claims["role"].eq("claimed")].set_index("year")
    assert ict.index.tolist() == [2015, 2016, 2017]
    assert ict.loc[2016, "candidates"] == "2015+2016|2016+2017"
    assert ict["claim_status"].eq("partly matched").all()
    (sentence,) = [s for s in ph.claim_findings(claims, "en") if "2015, 2016" in s]
    assert "2016, 2017" in sentence  # each candidate pair still said with its editions


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_goals_table_gives_each_goals_unit_as_its_source_does(lang):
    # the phase page's goals table gave "20", "5" and "70" with no unit: 20 % of GRDP, top 5, 70 %
    goals = pd.DataFrame(
        {
            "phase_id": ["digital_transformation_2022_2025"] * 3,
            "goal": ["digital_economy_share_2025", "dti_standing_2025", "a_goal_without_unit"],
            "year_end": [2025, 2025, 2025],
            "target": [20.0, 5.0, 3.0],
            "achieved": [pd.NA, pd.NA, pd.NA],
            "unit": ["% GRDP", "top-N", pd.NA],
            "status": ["unknown"] * 3,
        }
    )
    cells = ph.reader_table(goals, {"target": "target", "unit": "unit"}, lang)._tbl_data
    units = cells.iloc[:, 1].tolist()
    assert units[0] == {"en": "% of GRDP", "vi": "% GRDP"}[lang]
    assert "N" in units[1] and {"en": "top", "vi": "tốp"}[lang] in units[1]
    assert units[2] == {"en": "no unit given by the source", "vi": "nguồn không nêu đơn vị"}[lang]
    with pytest.raises(messages.MissingMessageError, match="furlongs"):  # never a guessed unit
        ph.goal_unit("furlongs", lang)


def test_every_unit_of_the_goals_held_has_its_words_in_both_languages(tables):
    for unit in tables["goals"]["unit"].dropna().unique():
        for lang in ("en", "vi"):
            assert ph.goal_unit(unit, lang)


def _inline_panel(rows: list[tuple[str, str, int, float | None, int | None, int]]) -> pd.DataFrame:
    """Index rows (index, province code, year, score, rank, n_ranked) of the 63 provinces, overall
    or PAPI's e-governance dimension."""
    from egov_analysis.provinces import provinces

    return pd.DataFrame(
        [
            {
                "index": index,
                "indicator": "e_governance" if index == "papi" else "overall",
                "year": year,
                "geography": "provinces_63",
                "province_code": code,
                "province": provinces()[code].name,
                "score": score,
                "score_basis": "published",
                "rank": rank,
                "rank_basis": "published",
                "n_ranked": n_ranked,
                "source_url": "https://example.org/",
                "source_class": "publisher",
            }
            for index, code, year, score, rank, n_ranked in rows
        ]
    ).astype({"year": "Int64", "rank": "Int64", "n_ranked": "Int64", "score": "Float64"})


def _inline_phases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "phase_id": ["a"],
            "kind": ["stage"],
            "in_programme": [True],
            "name_en": ["A"],
            "name_vi": ["A"],
            "start_year": pd.array([2012], dtype="Int64"),
            "end_year": pd.array([2017], dtype="Int64"),
            "known_until": pd.array([pd.NA], dtype="Int64"),
            "source_url": ["https://a"],
        }
    )


def test_a_held_score_of_an_unranked_unit_does_not_make_a_complete_list_partial():
    # PAPI 2022 e-governance: 3 units ranked, all with a score, and Bắc Giang (24) scored unranked
    panel = _inline_panel(
        [
            ("papi", "22", 2022, 3.71, 1, 3),
            ("papi", "31", 2022, 3.10, 2, 3),
            ("papi", "01", 2022, 2.90, 3, 3),
            ("papi", "24", 2022, 1.00, None, 3),
        ]
    )
    table = ph.outcomes(panel, "22", _inline_phases())
    row = table[table["year"].eq(2022)].iloc[0]
    assert bool(row["national_complete"])
    assert row["national_n_score"] == 3
    assert row["national_median"] == pytest.approx(3.10)  # of the ranked units, not Bắc Giang's 1.00
    assert row["peers_median"] == pytest.approx(3.00)  # Hải Phòng and Hà Nội


def test_no_regional_median_from_part_of_a_list_and_the_count_said():
    # PAR 2024: a top list of which the data hold one Red River Delta peer (Hải Phòng)
    panel = _inline_panel([("par", "31", 2024, 96.17, 1, 63), ("par", "22", 2024, 90.0, 5, 63)])
    table = ph.outcomes(panel, "22", _inline_phases())
    row = table[table["year"].eq(2024)].iloc[0]
    assert pd.isna(row["peers_median"]) and pd.isna(row["national_median"])
    assert (row["peers_n_score"], row["n_peers"]) == (1, 10)  # Hà Tây is no peer in 2024
    shown = ph.reader_table(
        table[table["year"].eq(2024)], {"index": "index", "peers_median": "peers_median"}, "en"
    )
    assert ">none (1 of 10 peers held)<" in shown.as_raw_html()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_years_sentence_announces_only_the_plans_shown_beside_the_programme(lang):
    phases = pd.concat(
        [
            _inline_phases(),
            pd.DataFrame(
                {
                    "phase_id": ["it_plan_2011_2015"],
                    "kind": ["plan"],
                    "in_programme": [False],
                    "name_en": ["IT plan"],
                    "name_vi": ["IT plan"],
                    "start_year": pd.array([2011], dtype="Int64"),
                    "end_year": pd.array([2015], dtype="Int64"),
                    "known_until": pd.array([pd.NA], dtype="Int64"),
                    "source_url": ["https://b"],
                }
            ),
        ],
        ignore_index=True,
    )
    plan = messages.text("programme.stage_short.it_plan_2011_2015", lang)
    draft = messages.text("programme.stage_short.digital_government_2019_2025", lang)
    shown = ph.years_text(ph.label_years(range(2010, 2020), phases), phases, lang)
    assert plan in shown and draft not in shown and "2019" not in shown and "(2012)" in shown
    later = ph.years_text(ph.label_years(range(2016, 2020), phases), phases, lang)  # the plan ended
    assert plan not in later


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Another source gives 571 billion VND"),
        ("vi", "571 tỷ đồng thay cho 646,0 tỷ đồng của Đề án 2012–2014"),
    ],
)
def test_a_budget_amount_another_left_out_source_gives_otherwise_is_noted_under_the_table(lang, words):
    budget = pd.DataFrame(
        {
            "phase_id": ["egov_plan_2012_2014", "egov_plan_2012_2014"],
            "item": ["scheme_total", "tranche_2012"],
            "year_start": [2012, 2012],
            "year_end": [2014, 2012],
            "amount_vnd": [646e9, 100e9],
            "value_as_printed": ["646", "100"],
        }
    )
    lost = pd.DataFrame(
        {
            "reference_file": ["quang_ninh/quang_ninh_facts.csv", "quang_ninh/quang_ninh_facts.csv"],
            "year": ["", ""],
            "province": ["Quảng Ninh", "Quảng Ninh"],
            "item": ["Total investment stated in an excerpt - conflicts with 646", "Online public services"],
            "value": ["value 571", "value >1500"],
            "source_url": ["https://123docz.net/x.htm", "https://123docz.net/y.htm"],
            "reason": ["refused host 123docz.net (a document-sharing site)"] * 2,
            "quote": ["571 tỷ", ""],
        }
    )
    (note,) = ph.budget_rival_notes(budget, lost, lang)
    assert words in note and "123docz.net" in note
    assert ph.budget_rival_notes(budget, lost.iloc[[1]], lang) == []  # nothing left out: no note


def test_the_outcome_charts_footers_name_source_classes_and_computed_values():
    from egov_analysis import plots
    from egov_analysis.plots import programme_outcomes as charts
    from egov_analysis.plots.footer import chart_sources_and_notes

    compiled = "https://github.com/someone/compilation/blob/main/papi.csv"
    panel = _inline_panel(
        [
            ("papi", "22", 2018, 3.2, 1, 2),
            ("papi", "31", 2018, 3.0, 2, 2),
            ("papi", "22", 2019, 3.1, 2, 2),
            ("papi", "31", 2019, 3.3, 1, 2),
        ]
    )
    panel["source_url"] = compiled
    panel.loc[panel["year"].eq(2019), "source_url"] = "https://papi.org.vn/"
    panel["source_class"] = [
        "third_party_compilation",
        "third_party_compilation",
        "publisher_site",
        "publisher_site",
    ]
    panel.loc[panel["year"].eq(2018), "rank_basis"] = "computed"
    table = ph.outcomes(panel, "22", _inline_phases())
    sources, notes = chart_sources_and_notes(table[table["status"].eq("held")], "en")
    assert any("PAPI 2018: values published by" in s and "third party" in s for s in sources)
    assert any("not printed by the publisher: PAPI 2018" in n for n in notes)
    ctx = plots.DrawingContext(lang="en", out_dir=None)
    spans = ph.stage_spans(_inline_phases())
    chart = charts.score_distribution_chart(ctx, table, spans, "Quảng Ninh", "papi", "e_governance")
    assert "third party" in " ".join(chart.footer.split()) and "computed by this project" in " ".join(
        chart.footer.split()
    )


def test_the_subindex_rank_grid_says_grey_cells_and_its_series_break_and_that_its_ranks_are_computed():
    from egov_analysis import plots
    from egov_analysis.plots import programme_outcomes as charts

    rows = _inline_panel([("pci", "22", y, 6.0, 5, 63) for y in (2015, 2016, 2017, 2018)])
    rows = rows.assign(indicator="entry_costs", rank_basis="computed")
    overall = _inline_panel([("pci", "22", y, 60.0, 5, 63) for y in (2015, 2016, 2017, 2018)])
    table = ph.outcomes(pd.concat([overall, rows], ignore_index=True), "22", _inline_phases())
    ctx = plots.DrawingContext(lang="en", out_dir=None)
    chart = charts.subindex_rank_chart(ctx, table, ph.stage_spans(_inline_phases()), "Quảng Ninh", "pci")
    assert "grey cells" in " ".join(chart.footer.split()) and "crosses" not in " ".join(chart.footer.split())
    assert "series break in 2017" in " ".join(chart.footer.split())
    assert "not printed by the publisher: PCI 2015–2018" in " ".join(chart.footer.split())


def test_the_rank_chart_median_uses_the_same_list_rule():
    from egov_analysis.analysis import rankings

    panel = _inline_panel(
        [
            ("papi", "22", 2022, 3.71, 1, 3),
            ("papi", "31", 2022, 3.10, 2, 3),
            ("papi", "01", 2022, 2.90, 3, 3),
            ("papi", "24", 2022, 1.00, None, 3),  # scored, not ranked: not one of the list
        ]
    )
    context = rankings.peers_and_median(panel, "papi", "22", "e_governance")
    assert context["median_complete"].all() and (context["n_score"] == 3).all()
    assert context["median_score"].iloc[0] == pytest.approx(3.10)


@pytest.mark.parametrize(("lang", "words"), [("en", "2006 and 2017"), ("vi", "2006 và 2017")])
def test_a_mean_left_out_across_two_series_breaks_names_them_as_a_list(lang, words):
    """The stage table's "no mean" cell writes its break years as the language lists them, never
    "2006, 2017" (reviewer's L-b)."""
    frame = pd.DataFrame({"index": ["pci"], "mean_score": [float("nan")], "series_breaks": ["2006, 2017"]})
    html = ph.reader_table(frame, {"mean_score": "mean_score"}, lang).as_raw_html()
    assert words in html and "2006, 2017" not in html
