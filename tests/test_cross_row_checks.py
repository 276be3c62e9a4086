"""Checks across rows: shared published ranks, derived ranges, year-on-year jumps; CSV and
chart-label safety."""

from __future__ import annotations

import pandas as pd
import pytest

from egov_analysis.clean.checks import (
    ImplausibleValueWarning,
    check_implausible_scores,
    check_score_ranges,
    check_shared_ranks,
    year_on_year_jumps,
)
from egov_analysis.clean.problems import Problems
from egov_analysis.csv_safe import neutralise_formulas, write_csv


def _ranked(scores: list[float | None], ranks: list[int], codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": "pci",
            "year": 2023,
            "geography": "provinces_63",
            "province_code": codes,
            "indicator": "overall",
            "score": pd.array(scores, dtype="Float64"),
            "score_decimals": pd.array([2] * len(codes), dtype="Int64"),
            "rank": pd.array(ranks, dtype="Int64"),
            "rank_basis": "published",
            "source_url": "https://press.vn/a",
            "file": "pci/press.csv",
            "line": list(range(2, 2 + len(codes))),
        }
    )


def test_two_provinces_at_one_rank_without_a_tie_are_refused_naming_both_lines():
    problems = Problems()
    check_shared_ranks(_ranked([71.25, 70.94], [1, 1], ["22", "80"]), problems)
    report = problems.report()
    assert len(report) == 1
    row = report.iloc[0]
    assert (row["file"], row["line"], row["rule"]) == ("pci/press.csv", 2, "shared_rank_without_tie")
    assert "pci/press.csv:3" in row["message"]


def test_a_shared_rank_with_tied_scores_or_a_printed_tie_passes():
    problems = Problems()
    check_shared_ranks(_ranked([70.35, 70.35, 60.0], [8, 8, 20], ["25", "87", "01"]), problems)
    check_shared_ranks(_ranked([70.35, None], [8, 8], ["25", "87"]), problems)
    assert not problems


def test_a_derived_score_outside_its_range_is_refused():
    panel = pd.DataFrame(
        {
            "index": ["papi"],
            "indicator": ["participation"],
            "score": pd.array([10.4], dtype="Float64"),
            "note": ["derived: sum of 4 published sub-dimensions"],
        }
    )
    problems = Problems()
    check_score_ranges(panel, problems)
    assert problems.report()["message"].iloc[0].startswith("score outside 0–10 for papi participation")


def test_year_on_year_jumps_are_listed_not_refused():
    rows = []
    for code in range(30):
        for year in (2019, 2020):
            change = 0.1 * (code % 5) if year == 2020 else 0
            rows.append({"province_code": f"{code:02d}", "year": year, "score": 60 + code * 0.01 + change})
    rows.append({"province_code": "99", "year": 2019, "score": 40.0})
    rows.append({"province_code": "99", "year": 2020, "score": 60.0})
    panel = pd.DataFrame(rows).assign(
        index="pci", geography="provinces_63", indicator="overall", province="x"
    )
    panel["year"] = panel["year"].astype("Int64")
    jumps = year_on_year_jumps(panel)
    assert list(jumps["province_code"]) == ["99"] and jumps["change"].iloc[0] == 20.0


def test_formula_like_text_cells_are_neutralised_in_published_csvs(tmp_path):
    frame = pd.DataFrame({"note": ['=HYPERLINK("x")', "+1.03", "@SUM(A1)", "-cmd", "plain"], "n": range(5)})
    safe = neutralise_formulas(frame)
    assert list(safe["note"]) == ['\'=HYPERLINK("x")', "+1.03", "'@SUM(A1)", "'-cmd", "plain"]
    write_csv(frame, tmp_path / "t.csv")
    assert "'=HYPERLINK" in (tmp_path / "t.csv").read_text(encoding="utf-8")


def test_dollar_signs_in_labels_are_never_mathtext():
    from matplotlib.figure import Figure

    from egov_analysis import plots

    plots.apply_theme()
    fig = Figure()
    ax = fig.subplots()
    label = "2,5 triệu US$ — $5 và $10"
    text = ax.set_title(label)
    fig.canvas.draw()  # with mathtext on, "$5 và $" would be typeset as math
    assert text.get_parse_math() is False and text.get_text() == label


def test_clean_refuses_a_shared_rank_without_a_tie_and_leaves_processed_alone(tmp_path):
    from support import run_clean_cli, tree_digest

    raw = tmp_path / "raw"
    (raw / "pci").mkdir(parents=True)
    (raw / "pci" / "press.csv").write_text(
        "year,province,indicator,score,rank,source_url\n"
        "2023,Quảng Ninh,overall,71.25,1,https://press.vn/a\n"
        "2023,Long An,overall,70.94,1,https://press.vn/a\n",
        encoding="utf-8",
    )
    processed = tmp_path / "processed"
    before = tree_digest(processed)
    result = run_clean_cli(raw, processed)
    assert result.returncode == 1
    assert (
        "pci/press.csv:2: rank '1': this source ranks two provinces 1 but their scores differ"
        in result.stderr
    )
    assert "pci/press.csv:3" in result.stderr
    assert tree_digest(processed) == before


def test_sources_by_class_counts_values_per_class():
    from egov_analysis.analysis.quality import sources_by_class

    indices = pd.DataFrame(
        {
            "index": ["pci", "pci", "pci", "dti"],
            "source_url": [
                "https://pcivietnam.vn/a",
                "https://pcivietnam.vn/b",
                "https://huggingface.co/datasets/x/y",
                "https://dti.gov.vn/xep-hang-2022",
            ],
            # the class clean gave each row (sources_by_class counts the data's, never re-derives it)
            "source_class": ["publisher_site", "publisher_site", "third_party_compilation", "publisher_site"],
            "year": [2020, 2021, 2020, 2022],
        }
    )
    table = sources_by_class(indices).set_index(["index", "source_class"])
    assert table.loc[("pci", "publisher_site"), "values"] == 2
    assert (
        table.loc[("pci", "third_party_compilation"), "hosts"] == "huggingface.co/datasets/x/y"
    )  # by dataset
    assert table.loc[("dti", "publisher_site"), "precedence"] == 2


def test_two_sources_putting_two_provinces_at_one_rank_without_a_tie_are_refused(tmp_path):
    from egov_analysis.clean.indices_pipeline import build_index_tables

    raw = tmp_path / "raw"
    (raw / "pci").mkdir(parents=True)
    header = "year,province,indicator,score,rank,source_url\n"
    (raw / "pci" / "a.csv").write_text(header + "2023,Quảng Ninh,overall,71.25,1,https://a.vn/x\n", "utf-8")
    (raw / "pci" / "b.csv").write_text(
        header
        + "2023,Hải Phòng,overall,70.10,,https://b.vn/y\n2023,Long An,overall,70.94,1,https://b.vn/y\n",
        "utf-8",
    )
    problems = Problems()
    assert build_index_tables(raw, problems) is None
    report = problems.report()
    assert report["rule"].tolist() == ["shared_rank_without_tie"]
    assert (report["file"].iloc[0], report["line"].iloc[0]) in {("pci/a.csv", 2), ("pci/b.csv", 3)}
    assert "pci/b.csv:3" in report["message"].iloc[0] or "pci/a.csv:2" in report["message"].iloc[0]


def test_figure_csvs_neutralise_formulas(tmp_path):
    from matplotlib.figure import Figure

    from egov_analysis.plots.footer import save

    fig = Figure()
    fig.subplots().plot([1, 2])
    data = pd.DataFrame({"province": ["=HYPERLINK(1)", "Hà Nội"], "change": ["+1.03", "-2"]})
    save(fig, data, "c", tmp_path)
    text = (tmp_path / "c.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text and ",+1.03\n" in text  # a plain signed number stays a number


def _pci_2022_2023(extra_url: str, extra_score: float) -> pd.DataFrame:
    """PCI 2022 (63 scores, 58–73) and 2023's top 30 (66.79–71.25), plus one unranked 2023 row."""
    rows = [
        {"year": 2022, "province_code": f"{c:02d}", "score": 58 + 0.24 * c, "url": "https://pcivietnam.vn/a"}
        for c in range(63)
    ]
    rows += [
        {
            "year": 2023,
            "province_code": f"{c:02d}",
            "score": 66.79 + 0.15 * c,
            "url": "https://pcivietnam.vn/a",
        }
        for c in range(30)
    ]
    rows.append({"year": 2023, "province_code": "99", "score": extra_score, "url": extra_url})
    frame = pd.DataFrame(rows)
    return frame.assign(
        index="pci",
        geography="provinces_63",
        indicator="overall",
        score=frame["score"].astype("Float64"),
        source_url=frame["url"],
        score_file="pci/x.csv",
        score_line=range(2, 2 + len(frame)),
        year=frame["year"].astype("Int64"),
    )


def test_an_implausible_value_only_the_press_gives_is_refused_with_file_line_value_and_range():
    problems = Problems()
    check_implausible_scores(_pci_2022_2023("https://press.vn/a", 99.9), problems)
    report = problems.report()
    assert report[["file", "line", "column", "value", "rule"]].values.tolist() == [
        ["pci/x.csv", 95, "score", "99.9", "implausible_value"]
    ]
    assert "58–72.88" in report["message"].iloc[0] and "this edition 66.79–71.14" in report["message"].iloc[0]


def test_an_implausible_value_a_publisher_gives_is_published_with_a_warning():
    problems = Problems()
    with pytest.warns(ImplausibleValueWarning, match=r"pci/x.csv:95: pci 2023 99 overall score 99.9"):
        check_implausible_scores(_pci_2022_2023("https://pcivietnam.vn/b", 99.9), problems)
    assert not problems


def test_a_plausible_value_is_neither_refused_nor_warned(recwarn):
    problems = Problems()
    check_implausible_scores(_pci_2022_2023("https://press.vn/a", 52.3), problems)
    assert not problems and not [w for w in recwarn if w.category is ImplausibleValueWarning]
