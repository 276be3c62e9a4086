"""Choosing between sources: published moves, source classes, unresolved keys — never URL order."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support import candidate_rows

from egov_analysis.clean.reconcile import RULE_CLASS, RULE_IMPLIED, RULE_MOVE, parse_move, reconcile


def _rows(records: list[dict[str, object]]) -> pd.DataFrame:
    return candidate_rows(records, index="par", rank_basis="")


def _par_2018(first_url: str, second_url: str) -> pd.DataFrame:
    return _rows(
        [
            {"year": 2018, "score": 89.6, "source_url": first_url},
            {"year": 2018, "score": 89.06, "source_url": second_url},
            {"year": 2019, "score": 90.09, "source_url": "https://c.vn/2019", "score_change": "+1.03"},
        ]
    )


@pytest.mark.parametrize(
    ("typo_url", "right_url"), [("https://a.vn/x", "https://z.vn/y"), ("https://z.vn/y", "https://a.vn/x")]
)
def test_a_value_consistent_with_a_published_move_wins_whatever_the_url_order(typo_url, right_url):
    panel, conflicts = reconcile(_par_2018(typo_url, right_url))
    chosen = panel.set_index("year").loc[2018]
    assert chosen["score"] == 89.06 and not chosen["unresolved"]
    row = conflicts.iloc[0]
    assert (row["chosen_value"], row["other_value"]) == ("89.06", "89.6")
    assert row["other_source_url"] == typo_url and row["rule"].startswith(RULE_MOVE)


def test_a_value_consistent_with_its_own_printed_move_counts_too():
    rows = _rows(
        [
            {"year": 2022, "score": 90.09, "source_url": "https://a.vn/2022"},
            {"year": 2023, "score": 91.87, "source_url": "https://b.vn/x"},
            {"year": 2023, "score": 91.81, "source_url": "https://c.vn/y", "score_change": "+1.72"},
        ]
    )
    panel, conflicts = reconcile(rows)
    assert panel.set_index("year").loc[2023, "score"] == 91.81
    assert (
        conflicts["rule"].iloc[0].startswith(f"{RULE_MOVE}: its own change +1.72 from the 2022 value 90.09")
    )


def test_a_move_that_contradicts_the_printed_value_is_listed_not_chosen():
    rows = _rows(
        [
            {"year": 2020, "score": 0.4513, "source_url": "http://uongbi.gov.vn/a"},
            {
                "year": 2022,
                "score": 0.7804,
                "source_url": "https://press.vn/b",
                "score_change": "+0.2511 since 2020",
            },
        ]
    )
    panel, conflicts = reconcile(rows)
    assert panel.set_index("year").loc[2020, "score"] == 0.4513
    (row,) = conflicts.to_dict("records")
    assert (row["chosen_value"], row["other_value"], row["other_source_url"]) == (
        "0.4513",
        "0.5293",
        "https://press.vn/b",
    )
    assert row["rule"].startswith(RULE_IMPLIED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1.03", (1.03, 2, 2018)),
        ("-0,5", (-0.5, 1, 2018)),
        ("+0.2511 since 2016", (0.2511, 4, 2016)),
        ("", None),
    ],
)
def test_printed_moves_are_read(text, expected):
    assert parse_move(text, 2019) == expected
    with pytest.raises(ValueError, match="is not a move"):
        parse_move("up 1.03", 2019)


def test_a_higher_source_class_beats_a_lower():
    rows = _rows(
        [
            {"year": 2020, "score": 48.811, "source_url": "http://news.gov.vn/a"},
            {"year": 2020, "score": 48.88, "source_url": "https://en.vietnamplus.vn/b"},
        ]
    )
    panel, conflicts = reconcile(rows)
    assert panel["score"].iloc[0] == 48.811 and conflicts["rule"].iloc[0].startswith(RULE_CLASS)


def test_where_nothing_decides_the_key_is_unresolved_and_flagged():
    rows = _rows(
        [
            {"year": 2023, "score": 91.87, "source_url": "https://a.vn/1"},
            {"year": 2023, "score": 91.87, "source_url": "https://b.vn/2"},
            {"year": 2023, "score": 91.81, "source_url": "https://c.vn/3"},
        ]
    )
    panel, conflicts = reconcile(rows)
    assert panel["unresolved"].iloc[0] and panel["score"].iloc[0] == 91.87  # most sources
    assert conflicts["rule"].iloc[0].startswith("unresolved")
    tied = rows.iloc[[0, 2]]
    panel, conflicts = reconcile(tied)
    assert panel["unresolved"].iloc[0] and pd.isna(panel["score"].iloc[0])  # nothing shown


def test_values_printed_cut_off_agree_with_the_precise_value():
    rows = _rows(
        [
            {"year": 2023, "score": 0.8485, "source_url": "https://a.vn/1"},
            {"year": 2023, "score": 0.84, "source_url": "https://b.vn/2"},
        ]
    )
    panel, conflicts = reconcile(rows)
    assert panel["score"].iloc[0] == 0.8485 and not panel["unresolved"].iloc[0]
    assert "cut off" in conflicts["rule"].iloc[0]


def _papi_2024(press_score: float) -> pd.DataFrame:
    """Quảng Ninh's PAPI 2024 total as the project sums it from a compilation of PAPI's parts, and
    as the press prints it."""
    sum_of_parts = {
        "year": 2024,
        "score": 47.821236,
        "score_basis": "computed",
        "source_url": "https://github.com/hnks-gh/ml-mcdm/blob/d165721ef5b79e96a1f9daa013612eef57d31734/data/csv/2024.csv",
        "note": "derived: sum of 8 dimensions",
    }
    printed = {
        "year": 2024,
        "score": press_score,
        "score_basis": "published",
        "source_url": "https://baomoi.net.vn/quang-ninh-tiep-tuc-giu-vung-vi-tri-quan-quan-papi-nam-2024-c51983085.epi",
        "note": 'article: "47,8212"',
    }
    return candidate_rows([sum_of_parts, printed], index="papi", rank_basis="")


@pytest.mark.parametrize("press_score", [47.8212, 47.82])
def test_a_score_a_source_prints_is_published_even_where_the_project_can_compute_it(press_score):
    # Quảng Ninh's PAPI 2024 total: the press prints it; the sum of the parts is a cross-check
    panel, conflicts = reconcile(_papi_2024(press_score))
    row = panel.iloc[0]
    assert row["score"] == press_score and row["score_basis"] == "published"
    assert row["source_url"].startswith("https://baomoi.net.vn/")
    assert "sum of the published parts agrees (47.8212)" in row["note"]
    assert conflicts.empty  # they agree: nothing to decide


def test_a_copy_printed_coarser_than_the_publisher_prints_leaves_the_precise_sum():
    # PAPI prints two decimals: a press "47.8" is the total rounded, not a printed value to cite
    panel, conflicts = reconcile(_papi_2024(47.8))
    row = panel.iloc[0]
    assert row["score"] == 47.821236 and row["score_basis"] == "computed"
    assert conflicts.empty


def test_a_printed_score_never_reorders_a_rank_computed_from_the_precise_parts():
    from egov_analysis.clean.derive import add_ranks

    # PAPI 2019 administrative procedures: Nghệ An 7.393975 (the press prints 7.39) is above
    # TP. Hồ Chí Minh's 7.391233; the rounded printed value must not swap them
    rows = candidate_rows(
        [
            {
                "province_code": "40",
                "score": 7.393975,
                "score_basis": "computed",
                "source_url": "https://github.com/x/y/1",
            },
            {
                "province_code": "40",
                "score": 7.39,
                "score_basis": "published",
                "source_url": "https://news.vn/a",
            },
            {
                "province_code": "79",
                "score": 7.391233,
                "score_basis": "computed",
                "source_url": "https://github.com/x/y/1",
            },
        ],
        index="toy_index",
        year=2019,
        rank_basis="",
    )
    panel, _ = reconcile(rows)
    panel = add_ranks(panel.assign(province=panel["province_name"]))
    ranks = dict(zip(panel["province_code"], panel["rank"], strict=True))
    assert panel.set_index("province_code").loc["40", "score"] == 7.39
    assert ranks == {"40": 1, "79": 2}


@pytest.fixture(scope="module")
def tables(real_processed) -> dict[str, pd.DataFrame]:
    processed = real_processed.processed
    return {
        n: pd.read_parquet(processed / f"{n}.parquet") for n in ("indices", "index_conflicts", "lost_values")
    }


def _pair(conflicts: pd.DataFrame, query: str) -> set[tuple[str, str, str]]:
    hit = conflicts.query(query)
    return {
        (c, o, r.split(":")[0])
        for c, o, r in zip(hit["chosen_value"], hit["other_value"], hit["rule"], strict=True)
    }


def test_known_disagreements_are_listed_with_both_values_and_the_rule(tables):
    indices, conflicts = tables["indices"], tables["index_conflicts"]
    par = indices.query("index == 'par' and indicator == 'overall' and province_code == '22'").set_index(
        "year"
    )
    assert par.loc[2018, "score"] == 89.06
    assert ("89.06", "89.6", RULE_MOVE) in _pair(
        conflicts, "index == 'par' and year == 2018 and province_code == '22'"
    )
    hai_phong = _pair(conflicts, "index == 'par' and year == 2023 and province_code == '31'")
    assert {(c, o) for c, o, _ in hai_phong} == {("91.87", "91.81")} and all(
        r == "unresolved" for *_, r in hai_phong
    )
    assert indices.query("index == 'par' and year == 2023 and province_code == '31'")["unresolved"].all()
    papi_2020 = _pair(
        conflicts, "index == 'papi' and year == 2020 and province_code == '22' and indicator == 'overall'"
    )
    assert {o for _, o, _ in papi_2020} == {"48.881", "48.88"}
    # the six Quảng Ninh 2024 dimension scores came only from a spam mirror (xemtivisohd.org):
    # refused, so no conflict is built on them (this test pinned 6 such conflicts before)
    papi_2024 = conflicts.query("index == 'papi' and year == 2024 and province_code == '22'")
    assert not papi_2024["other_source_url"].str.contains("xemtivisohd").any()
    par_2012 = _pair(conflicts, "index == 'par' and year == 2012")
    assert {(c, o) for c, o, _ in par_2012} == {("87.14", "87.12"), ("83.44", "83.41"), ("82.79", "82.77")}
    dti_qn = conflicts.query("index == 'dti' and year == 2020 and province_code == '22'").set_index(
        "indicator"
    )
    assert dti_qn.loc["digital_government", ["chosen_value", "other_value"]].tolist() == ["0.4513", "0.5293"]
    assert dti_qn.loc["digital_government", "chosen_source_class"] == "provincial_government"
    assert dti_qn.loc["digital_government", "rule"].startswith(RULE_IMPLIED)
    kien_giang = conflicts.query(
        "index == 'dti' and year == 2020 and province_code == '91' and field == 'rank'"
    )
    assert set(kien_giang["chosen_value"]) == {"8"} and "9" in set(kien_giang["other_value"])


def test_every_entry_of_the_pci_conflicts_file_is_listed(tables, reference_dir):
    from egov_analysis.provinces import resolve

    data = json.loads((reference_dir / "pci" / "pci_source_conflicts.json").read_text("utf-8"))
    conflicts = tables["index_conflicts"].query("index == 'pci'")
    listed = set(
        zip(conflicts["year"], conflicts["province_code"], conflicts["other_source_url"], strict=True)
    )
    entries = data["score_rank_conflicts"] + data["subindex_disagreements"]
    missing = [
        e for e in entries if (e["year"], resolve(e["province"]).gso_code, e["other_url"]) not in listed
    ]
    # an entry whose other source is a refused mirror (a wiki mirror) is not a conflict: it is
    # listed as a value left out (lost_values), with the reason
    assert all("wikimili.com" in e["other_url"] for e in missing) and len(missing) == 4
    assert tables["lost_values"]["source_url"].str.contains("wikimili.com").sum() == 4
    impossible = conflicts[conflicts["rule"].str.startswith("refused: a known source error")]
    assert impossible[["year", "province_code", "chosen_value", "other_value"]].values.tolist() == [
        [2007, "82", "12", "65"]
    ]


def test_every_conflict_rule_has_an_id_and_a_sentence_in_each_language(tables):
    from egov_analysis.clean.reconcile import rule_ids
    from egov_analysis.meta import messages
    from egov_analysis.reporting.sections import conflicts_table

    conflicts = tables["index_conflicts"]
    assert conflicts["rule_id"].eq(rule_ids(conflicts["rule"])).all()
    for lang in ("en", "vi"):
        for rule_id in conflicts["rule_id"].unique():
            assert messages.text(f"reporting.rule.{rule_id}", lang)
    shown = conflicts_table(conflicts, "vi")._repr_html_()
    assert "ưu tiên nguồn tin cậy hơn" in shown and "a higher source class" not in shown
    with pytest.raises(ValueError, match="conflict rule without an id"):
        rule_ids(pd.Series(["a rule nobody wrote down"]))


def test_a_missing_rule_is_refused_by_name():
    from egov_analysis.clean.reconcile import rule_ids

    with pytest.raises(ValueError, match="conflict rule without an id in RULE_IDS: <NA>"):
        rule_ids(pd.Series([pd.NA], dtype="string"))


def test_a_source_that_agrees_with_the_chosen_rank_is_never_listed_as_a_conflict():
    # DTI 2020, Kiên Giang: printed 8th (press), 9th by list order (press, computed) and 9th in a
    # third-party compilation; the printed rank wins, and only the two 9s disagree with it
    rows = _rows(
        [
            {"year": 2020, "score": None, "rank": 8, "rank_basis": "published", "source_url": "https://www.viet-jo.com/x"},
            {"year": 2020, "score": None, "rank": 9, "rank_basis": "computed", "source_url": "https://doanhnghiepvaphattrien.net/y"},
            {"year": 2020, "score": None, "rank": 9, "rank_basis": "published", "source_url": "https://huggingface.co/datasets/z"},
        ]
    )  # fmt: skip
    panel, conflicts = reconcile(rows.assign(index="dti"))
    assert int(panel["rank"].iloc[0]) == 8
    assert sorted(conflicts["other_value"]) == ["9", "9"]
    assert (conflicts["chosen_value"] != conflicts["other_value"]).all()


def test_each_rank_set_aside_names_the_rule_that_set_it_aside():
    """Issue 17: DTI 2020 Kiên Giang — press against press (a printed 8th against a list's order,
    9th) is decided by "a published rank beats a computed one", not by source class; the
    compilation's printed 9th, by source class."""
    from egov_analysis.clean.reconcile import rule_ids

    rows = _rows(
        [
            {"year": 2020, "score": None, "rank": 8, "rank_basis": "published", "source_url": "https://www.viet-jo.com/x"},
            {"year": 2020, "score": None, "rank": 9, "rank_basis": "computed", "source_url": "https://baomoi.com/y"},
            {"year": 2020, "score": None, "rank": 9, "rank_basis": "published", "source_url": "https://huggingface.co/datasets/z"},
        ]
    )  # fmt: skip
    _, conflicts = reconcile(rows.assign(index="dti"))
    by_source = dict(zip(conflicts["other_source_url"], rule_ids(conflicts["rule"]), strict=True))
    assert by_source == {
        "https://baomoi.com/y": "published_rank",
        "https://huggingface.co/datasets/z": "source_class",
    }


def test_two_scores_equal_when_rounded_are_shown_with_the_decimals_that_tell_them_apart():
    from egov_analysis.reporting.sections import pair_texts

    # PAPI 2023: a sum of sub-dimensions against a press copy; PAPI prints 2 decimals
    assert pair_texts("45.704710097", "45.7046", "score", "papi", "en") == ("45.7047", "45.7046")
    assert pair_texts("45.704710097", "45.7046", "score", "papi", "vi") == ("45,7047", "45,7046")
    assert pair_texts("89.6", "89.06", "score", "par", "en") == ("89.6", "89.06")  # as printed
    assert pair_texts("0.7892", "0.78", "score", "ict", "vi") == ("0,7892", "0,78")  # not "0,7800"
    assert pair_texts("8", "9", "rank", "dti", "en") == ("8", "9")
    assert pair_texts(pd.NA, "45.7", "score", "pci", "en") == ("not held", "45.70")
    assert pair_texts(45.7, 45.699999999999996, "score", "pci", "en") == (
        "45.70",
        "45.70",
    )  # floats: no digits invented


def test_programme_conflicts_show_values_as_printed_and_never_the_same_twice():
    from egov_analysis.reporting.sections import programme_conflicts_table

    conflicts = pd.DataFrame(
        {
            "table": ["cpi", "cpi", "budget"],
            "key": ["2007", "2015", "egov_plan_2012_2014/scheme_total"],
            "chosen_value": ["8.3", "0.63", "646"],
            "chosen_source_url": ["https://plo.vn/a", "https://plo.vn/b", "https://vneconomy.vn/c"],
            "other_value": ["8.3444489", "0.63120091", "571"],
            "other_source_url": ["https://querytab.com/a", "https://querytab.com/b", "https://x.vn/d"],
            "rule": ["r", "r", "r"],
        }
    )
    phases = pd.DataFrame({"phase_id": ["egov_plan_2012_2014"], "name_vi": ["Đề án 2012–2014"]})
    html = programme_conflicts_table(conflicts, phases, "vi").as_raw_html()
    assert ">8,3<" in html and ">8,34<" in html and ">0,63<" in html and ">0,631<" in html
    assert ">646<" in html and ">571<" in html and "Lạm phát bình quân năm (CPI, %)" in html


def test_article_slips_are_known_errors_not_values_beating_the_compilation(tables):
    """With PAPI's sub-dimension files classed as a third party's compilation, the press beats
    them; two printed values that the articles' own figures or PAPI's data show to be slips are
    refused as known source errors (listed beside the value kept), never chosen."""
    conflicts, indices = tables["index_conflicts"], tables["indices"]
    known = conflicts[conflicts["rule_id"].eq("known_error") & conflicts["index"].eq("papi")]
    pairs = set(
        zip(known["year"], known["province_code"], known["indicator"], known["other_value"], strict=True)
    )
    assert pairs == {
        (2019, "40", "environmental_governance", "3.99"),
        (2023, "30", "vertical_accountability", "5.04"),
    }
    kept = indices.set_index(["index", "year", "province_code", "indicator"])["score"]
    assert round(kept[("papi", 2019, "40", "environmental_governance")], 2) == 3.49
    assert round(kept[("papi", 2023, "30", "vertical_accountability")], 2) == 3.90
