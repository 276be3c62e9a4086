"""analysis/ on small inline frames: rankings, phases, real amounts, relationships, data quality."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from support import index_rows

from egov_analysis.analysis import phases, quality, rankings, real, relationships

QN, HN, DN = "22", "01", "48"  # Quảng Ninh, Hà Nội, Đà Nẵng


def rows(
    records: list[tuple], index: str = "pci", indicator: str = "overall", geography: str = "provinces_63"
):
    """(year, code, name, score, rank, n_ranked) records as index panel rows."""
    columns = ["year", "province_code", "province", "score", "rank", "n_ranked"]
    return index_rows(
        records, columns, index, indicator, geography, tier=pd.NA, source_url="https://example.org"
    )


PANEL = rows(
    [
        (2019, QN, "Quảng Ninh", 70.0, 1, 3),
        (2019, HN, "Hà Nội", 65.0, 2, 3),
        (2019, DN, "Đà Nẵng", 60.0, 3, 3),
        (2020, QN, "Quảng Ninh", 62.0, 3, 3),
        (2020, HN, "Hà Nội", 68.0, 1, 3),
        (2020, DN, "Đà Nẵng", 64.0, 2, 3),
        (2021, HN, "Hà Nội", 69.0, 1, 3),  # a partial year: one of three published
    ]
)


# --- rankings ---------------------------------------------------------------------------------------


def test_select_keeps_one_index_and_the_years_asked():
    selected = rankings.select(PANEL, "pci", "overall", "63", 2020, 2021)
    assert sorted(selected["year"].unique()) == [2020, 2021] and len(selected) == 4


def test_select_names_what_is_missing():
    with pytest.raises(rankings.NoDataError, match="unknown index 'xyz'"):
        rankings.select(PANEL, "xyz")
    with pytest.raises(rankings.NoDataError, match=r"no pci 'overall' values for geography 63 in 2030–2031"):
        rankings.select(PANEL, "pci", start_year=2030, end_year=2031)
    with pytest.raises(ValueError, match="geography must be '63' or '34', not '62'"):
        rankings.select(PANEL, "pci", geography="62")


def test_rank_matrix_keeps_gaps_and_orders_by_latest_rank():
    matrix = rankings.rank_matrix(PANEL, [2019, 2020, 2021])
    assert list(matrix.index) == ["Hà Nội", "Đà Nẵng", "Quảng Ninh"]
    assert matrix.loc["Quảng Ninh", 2019] == 1 and pd.isna(matrix.loc["Quảng Ninh", 2021])


def test_quartile_from_rank_and_units_ranked():
    frame = pd.DataFrame({"rank": [1, 16, 17, 63], "n_ranked": [63, 63, 63, 63]})
    assert rankings.quartile(frame).tolist() == [1, 1, 2, 4]


def test_rank_change_is_positive_for_a_unit_that_rose():
    change = rankings.rank_change(PANEL, 2019, 2020).set_index("province_code")
    assert change.loc[HN, "rank_change"] == 1  # 2 → 1: moved up
    assert change.loc[QN, "rank_change"] == -2  # 1 → 3: fell
    assert change.loc[DN, "rank_change"] == 1
    assert len(rankings.rank_change(PANEL, 2019, 2021)) == 1  # only Hà Nội is ranked in both


def test_peers_and_median_marks_a_median_of_a_partial_list():
    context = rankings.peers_and_median(PANEL, "pci", QN)
    per_year = context.drop_duplicates("year").set_index("year")
    assert per_year.loc[2019, "median_score"] == 65.0 and bool(per_year.loc[2019, "median_complete"])
    assert not bool(per_year.loc[2021, "median_complete"])
    roles = context.drop_duplicates("province_code").set_index("province_code")["role"]
    assert roles[QN] == "province" and roles[HN] == "regional peer"  # both Red River Delta
    assert roles[DN] == "other"


def test_map_values_of_the_34_units_average_complete_member_lists_only():
    values, notes = rankings.map_values(PANEL, PANEL, "pci", "overall", 2019, "34")
    assert len(values) == 34 and notes == ["derived: mean of member provinces", "published (unchanged unit)"]
    by_code = values.set_index("province_code")
    assert by_code.loc["22", "score"] == 70.0  # Quảng Ninh, unchanged
    assert pd.isna(by_code.loc["48", "score"])  # Đà Nẵng merged with Quảng Nam: Quảng Nam unpublished


def test_province_headline_and_latest_profile():
    parts = rows(
        [
            (2019, QN, "Quảng Ninh", 7.0, 1, 3),
            (2019, HN, "Hà Nội", 8.0, 2, 3),
            (2020, QN, "Quảng Ninh", 6.0, 2, 3),
        ],
        indicator="entry_costs",
    )
    panel = pd.concat([PANEL, parts], ignore_index=True)
    assert set(rankings.province_headline(panel, QN)["indicator"]) == {"overall"}
    year, table = rankings.latest_profile(panel, "pci", QN)
    assert year == 2020
    assert table.to_dict("records") == [
        {"indicator": "entry_costs", "best_score": 6.0, "best_province": "Quảng Ninh", "score": 6.0}
    ]
    assert rankings.latest_profile(panel, "pci", "01") is not None
    assert rankings.latest_profile(panel, "papi", QN) is None


# --- phases and real amounts -----------------------------------------------------------------------

CPI = pd.DataFrame({"year": [2012, 2013, 2014], "cpi_avg_change_pct": [9.0, 10.0, 5.0]})
PHASES = pd.DataFrame(
    {
        "phase_id": ["egov_2012_2014", "later"],
        "name_en": ["E-government scheme", "Later"],
        "start_year": [2012, 2016],
        "end_year": [2014, 2018],
    }
)
BUDGET = pd.DataFrame(
    {
        "phase_id": ["egov_2012_2014"] * 3,
        "item": ["scheme_total", "tranche_2012", "tranche_2013"],
        "level": ["total", "tranche", "tranche"],
        "basis": ["planned"] * 3,
        "year_start": [2012, 2012, 2013],
        "year_end": [2014, 2012, 2013],
        "price_year": [2012, 2012, 2013],
        "amount_vnd": [300_000_000_000, 100_000_000_000, 200_000_000_000],
    }
)


def test_price_level_chains_annual_changes_and_stops_at_a_gap():
    levels = real.price_level(CPI)
    assert levels.to_dict() == {2012: 100.0, 2013: pytest.approx(110.0), 2014: pytest.approx(115.5)}
    gap = real.price_level(pd.DataFrame({"year": [2012, 2014], "cpi_avg_change_pct": [9.0, 5.0]}))
    assert list(gap.index) == [2012]


def test_to_real_moves_amounts_to_the_base_year_and_refuses_uncovered_years():
    amounts = real.to_real(pd.Series([100, 110]), pd.Series([2012, 2013]), 2014, CPI)
    assert amounts.tolist() == [116, 116]  # 100 × 115.5/100 and 110 × 115.5/110, rounded
    with pytest.raises(real.MissingCpiError, match="no CPI price level for 2020"):
        real.to_real(pd.Series([1]), pd.Series([2020]), 2014, CPI)


def test_phase_totals_sum_totals_only_over_their_stated_period():
    totals = real.phase_totals(BUDGET, CPI, 2014)
    assert len(totals) == 1
    row = totals.iloc[0]
    assert row["amount_vnd"] == 300_000_000_000 and row["items"] == 1
    assert (row["first_year"], row["last_year"]) == (2012, 2014)
    # the source gives the total's yearly tranches (100 in 2012, 200 in 2013): each is moved with
    # its own year's prices and summed, 100 × 115.5/100 + 200 × 115.5/110, not 300 × 115.5/100
    assert row["amount_real_vnd"] == 325_500_000_000 and row["real_basis"] == "derived"
    assert row["real_method"] == real.YEARLY_TRANCHES


def test_a_total_without_yearly_tranches_is_moved_from_one_year_and_the_page_says_so():
    split_lost = BUDGET[BUDGET["level"].eq("total")]  # no tranche given: no split is invented
    totals = real.phase_totals(split_lost, CPI, 2014)
    assert totals["amount_real_vnd"].tolist() == [346_500_000_000]
    assert totals["real_method"].tolist() == [real.ONE_YEAR]
    items = phases.budget_items(split_lost, CPI, 2014)
    for lang, words in (("en", "one price year, 2012"), ("vi", "một năm duy nhất, năm 2012")):
        (sentence,) = phases.real_amount_notes(items, lang)
        assert words in sentence
    (sentence,) = phases.real_amount_notes(phases.budget_items(BUDGET, CPI, 2014), "en")
    assert "sum of its yearly tranches (2012, 2013)" in sentence


def test_an_amount_of_one_year_is_said_once_and_never_called_a_period():
    one_year = BUDGET.iloc[[1]].assign(level="total", n_projects_or_tasks=7, basis="approved")
    items = phases.budget_items(one_year, CPI, 2014)
    (counts,) = phases.budget_findings(items, "vi")
    assert counts == "Năm 2012: 100,0 tỷ đồng đã phê duyệt cho 7 dự án, nhiệm vụ." and counts.count("tỷ") == 1
    (real_note,) = phases.real_amount_notes(items, "vi")
    assert "100,0 tỷ đồng năm 2012" in real_note and "giai đoạn 2012" not in real_note
    assert "dự án không tự chia" not in real_note  # the project is "nhóm egov-analysis", not a "dự án"
    assert phases.period_words(2018, 2020, "vi") == "giai đoạn 2018–2020"


def test_budget_items_have_billions_and_a_period():
    items = phases.budget_items(BUDGET, CPI, 2014)
    assert items["period"].tolist() == ["2012–2014", "2012", "2013"]
    assert items["amount_bn_vnd"].tolist() == [300.0, 100.0, 200.0]


def test_milestone_timeline_keeps_dated_single_year_values_in_order():
    milestones = pd.DataFrame(
        {
            "phase_id": ["a", "a", "b", "b"],
            "year_start": pd.array([2017, 2016, 2018, pd.NA], dtype="Int64"),
            "year_end": pd.array([2017, 2016, 2019, pd.NA], dtype="Int64"),
            "value": [100.0, 3.0, 5.0, 1.0],
            "topic": ["t", "t", "t", "t"],
            "metric": ["m1", "m2", "m3", "m4"],
        }
    )
    timeline = phases.milestone_timeline(milestones)
    assert timeline["metric"].tolist() == ["m2", "m1"]
    assert phases.milestone_timeline(milestones, "b").empty


def test_paired_scores_keep_provinces_with_both_scores():
    other = rows([(2019, QN, "Quảng Ninh", 50.0, 1, 3), (2019, HN, "Hà Nội", 40.0, 2, 3)], index="papi")
    pairs = relationships.paired_scores(pd.concat([PANEL, other]), "pci", "papi", 2019)
    assert sorted(pairs["province_code"]) == [HN, QN]
    with pytest.raises(rankings.NoDataError, match="no province has both a pci and a papi score in 2021"):
        relationships.paired_scores(pd.concat([PANEL, other]), "pci", "papi", 2021)


def test_correlation_of_perfectly_ordered_pairs_and_of_too_few():
    pairs = pd.DataFrame({"x_score": [1.0, 2.0, 3.0, 4.0], "y_score": [2.0, 4.0, 6.0, 100.0]})
    stats = relationships.correlation(pairs)
    assert stats.spearman == pytest.approx(1.0) and stats.pearson < 1.0 and stats.n == 4
    few = relationships.correlation(pairs.head(2))
    assert math.isnan(few.pearson) and few.n == 2


# --- data quality ----------------------------------------------------------------------------------


def test_coverage_overview_pivots_headline_shares():
    coverage = pd.DataFrame(
        {
            "index": ["pci", "pci", "pci"],
            "geography": ["provinces_63"] * 3,
            "indicator": ["overall", "overall", "entry_costs"],
            "year": [2023, 2024, 2024],
            "score_share_pct": [9.5, 15.9, 100.0],
        }
    )
    overview = quality.coverage_overview(coverage)
    assert overview.loc[("pci", "provinces_63")].to_dict() == {2023: 9.5, 2024: 15.9}


def test_gaps_count_units_without_a_value():
    per_year = quality.gaps(PANEL, "pci").set_index("year")
    assert per_year.loc[2021, "missing"] == 2 and per_year.loc[2019, "missing"] == 0


def test_conflict_summary_counts_per_index_and_field():
    conflicts = pd.DataFrame(
        {"index": ["pci", "pci", "dti"], "field": ["rank", "rank", "score"], "year": [2020, 2019, 2022]}
    )
    summary = quality.conflict_summary(conflicts).set_index(["index", "field"])
    assert (
        summary.loc[("pci", "rank"), "conflicts"] == 2
        and summary.loc[("pci", "rank"), "years"] == "2019, 2020"
    )
