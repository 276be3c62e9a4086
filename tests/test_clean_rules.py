"""Unit tests of the index cleaning on small inline raw files: every rule, message and guarantee."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support import run_clean_cli, tree_digest

from egov_analysis import config
from egov_analysis.clean import publish as publish_module
from egov_analysis.clean.problems import ValidationError
from egov_analysis.clean.run import clean
from egov_analysis.clean.validate import parse_decimal
from egov_analysis.datasets import load

HEADER = "year,province,indicator,score,rank,source_url\n"
PRESS = "https://example-news.vn/a"
PUBLISHER = "https://pcivietnam.vn/x"


@pytest.fixture
def paths(tmp_path: Path) -> config.Paths:
    raw = tmp_path / "raw"
    (raw / "pci").mkdir(parents=True)
    return config.paths(raw=raw, processed=tmp_path / "processed")


def write(paths: config.Paths, text: str | bytes, name: str = "pci/test.csv") -> Path:
    path = paths.raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def problems_of(paths: config.Paths) -> pd.DataFrame:
    with pytest.raises(ValidationError) as info:
        clean(paths)
    return info.value.report


def test_parse_decimal_accepts_point_and_comma_and_refuses_the_rest():
    values, decimals = parse_decimal(pd.Series(["79,21", "76.818", "70", "", "abc", "1,2,3", "7.5%"]))
    assert values.tolist()[:3] == [79.21, 76.818, 70.0]
    assert values.iloc[3:].isna().all()
    assert decimals.tolist()[:3] == [2, 3, 0]


def test_a_clean_file_becomes_a_tidy_panel(paths):
    write(
        paths,
        HEADER + f'2020,Quảng Ninh,overall,"75,09",1,{PUBLISHER}\n'
        f"2020,Hà Nội,Gia nhập thị trường,7.5,,{PUBLISHER}\n",
    )
    clean(paths)
    panel = pd.read_parquet(paths.processed / "indices.parquet")
    qn = panel[panel["province"].eq("Quảng Ninh")].iloc[0]
    assert (qn["province_code"], qn["score"], qn["rank"], qn["rank_basis"]) == ("22", 75.09, 1, "published")
    assert set(panel["indicator"]) == {"overall", "entry_costs"}
    assert panel["province"].tolist() == ["Hà Nội", "Quảng Ninh"]  # stable sort on the key


def test_a_row_without_any_value_is_refused(paths):
    write(paths, HEADER + f"2020,TP.HCM,overall,,,{PUBLISHER}\n")
    assert problems_of(paths)["rule"].tolist() == ["no_value"]


def test_bom_and_decimal_comma_are_accepted(paths):
    write(paths, ("\ufeff" + HEADER + f'2020,Quảng Ninh,overall,"75,09",1,{PUBLISHER}\n').encode())
    clean(paths)
    assert pd.read_parquet(paths.processed / "indices.parquet")["score"].iloc[0] == 75.09


@pytest.mark.parametrize(
    ("row", "column", "rule", "words"),
    [
        ("2020,Quảng,overall,70,1,{u}", "province", "unknown_province", "did you mean"),
        ("2020,Quảng Ninh,overall,abc,1,{u}", "score", "not_a_number", "not a number"),
        ("2020,Quảng Ninh,overall,170,1,{u}", "score", "out_of_range", "0–100"),
        ("2020,Quảng Ninh,Gia nhập thị trường,11,,{u}", "score", "out_of_range", "0–10"),
        ("2020,Quảng Ninh,overall,70,0,{u}", "rank", "rank_out_of_range", "1..63"),
        ("2020,Quảng Ninh,overall,70,64,{u}", "rank", "rank_out_of_range", "1..63"),
        ("2020,Quảng Ninh,overall,70,1.5,{u}", "rank", "bad_rank", "whole number"),
        ("2020,Quảng Ninh,overall,70,-3,{u}", "rank", "rank_out_of_range", "negative: ranks start at 1"),
        ("2030,Quảng Ninh,overall,70,1,{u}", "year", "year_not_published", "not published"),
        ("20x0,Quảng Ninh,overall,70,1,{u}", "year", "bad_year", "four-digit"),
        ("2020,Quảng Ninh,nonsense,70,1,{u}", "indicator", "unknown_indicator", "name-mapping"),
        ("2020,Quảng Ninh,overall,70,1,", "source_url", "missing_source", "URL"),
    ],
)
def test_each_rule_names_file_line_column_and_value(paths, row, column, rule, words):
    write(paths, HEADER + f"2020,Hà Nội,overall,60,2,{PUBLISHER}\n" + row.format(u=PUBLISHER) + "\n")
    report = problems_of(paths)
    hit = report[report["rule"].eq(rule)]
    assert len(hit) == 1, report
    assert (hit["file"].iloc[0], hit["line"].iloc[0], hit["column"].iloc[0]) == ("pci/test.csv", 3, column)
    assert words in hit["message"].iloc[0]


def test_one_source_giving_two_values_for_one_key_is_refused(paths):
    write(paths, HEADER + f"2020,Quảng Ninh,overall,70,1,{PRESS}\n2020,Quang Ninh,overall,71,1,{PRESS}\n")
    report = problems_of(paths)
    assert set(report["rule"]) == {"conflict_within_source"}
    assert report["line"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "empty_file"),
        (HEADER.encode(), "empty_file"),
        ("year,province,score\n2020,Quảng Ninh,70\n".encode(), "missing_columns"),
        ("2020,Quảng Ninh,overall,70,1,x\n".encode("utf-16"), "not_utf8"),
        (HEADER.encode() + "2020,Hà Nam,overall,70,1,x\n".encode("cp1252"), "not_utf8"),
        (b"<!DOCTYPE html><html><body><table></table></body></html>", "html_not_csv"),
    ],
)
def test_unreadable_files_are_refused_by_name(paths, content, rule):
    write(paths, content, "pci/bad.csv")
    write(paths, HEADER + f"2020,Hà Nội,overall,60,2,{PUBLISHER}\n")
    report = problems_of(paths)
    assert report["rule"].tolist() == [rule]
    assert report["file"].tolist() == ["pci/bad.csv"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            (HEADER + "2020,Quảng Ninh,overall,70,1,x\n").encode("utf-16-le"),
            "looks like UTF-16, without a byte-order mark",
        ),
        (
            (HEADER + "2020,Quảng Ninh,overall,70,1,x\n").encode("utf-16"),
            "looks like UTF-16, with a byte-order mark",
        ),
        (b"\x00" * 64, "has NUL bytes"),
        ((HEADER + "2020,Quảng Ninh,overall,70,1,x\n").encode() + b"\x00\x00", "has NUL bytes"),
    ],
)
def test_utf16_and_nul_bytes_are_refused_in_one_clear_line(paths, content, words):
    write(paths, content, "pci/bad.csv")
    write(paths, HEADER + f"2020,Hà Nội,overall,60,2,{PUBLISHER}\n")
    report = problems_of(paths)
    assert report["rule"].tolist() == ["not_utf8"], report  # no unknown-column noise
    assert words in report["message"].iloc[0]


def test_every_problem_of_a_run_is_reported_at_once(paths):
    write(paths, HEADER + f"2020,Quảng,overall,abc,0,{PRESS}\n", "pci/a.csv")
    write(paths, b"", "papi/b.csv")
    report = problems_of(paths)
    assert {"unknown_province", "not_a_number", "rank_out_of_range", "empty_file"} <= set(report["rule"])


def test_a_failed_run_leaves_processed_exactly_as_it_was(paths):
    write(paths, HEADER + f"2020,Quảng Ninh,overall,70,1,{PUBLISHER}\n")
    clean(paths)
    before = tree_digest(paths.processed)
    write(paths, HEADER + f"2020,Quảng,overall,70,1,{PUBLISHER}\n", "pci/broken.csv")
    problems_of(paths)
    assert tree_digest(paths.processed) == before


def test_a_run_killed_while_writing_leaves_the_previous_outputs(paths, monkeypatch):
    write(paths, HEADER + f"2020,Quảng Ninh,overall,70,1,{PUBLISHER}\n")
    clean(paths)
    before = tree_digest(paths.processed)
    write(paths, HEADER + f"2020,Hà Nội,overall,60,2,{PUBLISHER}\n", "pci/more.csv")
    real_replace = publish_module.os.replace

    def die_before_switch(src, dst):
        if Path(dst).name == publish_module.CURRENT:
            raise KeyboardInterrupt("killed")
        return real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", die_before_switch)
    with pytest.raises(KeyboardInterrupt):
        clean(paths)
    monkeypatch.undo()
    assert len(pd.read_parquet(paths.processed / "indices.parquet")) == 1  # old set, whole
    clean(paths)  # the next run completes
    assert len(pd.read_parquet(paths.processed / "indices.parquet")) == 2
    assert tree_digest(paths.processed) != before


def test_publisher_beats_press_and_the_conflict_is_listed(paths):
    write(
        paths,
        HEADER + f"2020,Quảng Ninh,overall,70.10,,{PRESS}\n"
        f"2020,Quảng Ninh,overall,70.0,1,{PUBLISHER}\n"
        f"2020,Hà Nội,overall,60.1234,,{PUBLISHER}\n2020,Hà Nội,overall,60.12,,{PRESS}\n",
    )
    clean(paths)
    panel = pd.read_parquet(paths.processed / "indices.parquet").set_index("province")
    assert panel.loc["Quảng Ninh", "score"] == 70.0
    assert panel.loc["Quảng Ninh", "source_url"] == PUBLISHER
    conflicts = pd.read_csv(paths.processed / "index_conflicts.csv", dtype=str)
    assert len(conflicts) == 1  # 60.12 agrees with 60.1234 at the press's precision
    row = conflicts.iloc[0]
    assert (row["chosen_value"], row["other_value"]) == ("70.0", "70.1")
    assert (row["chosen_source_class"], row["other_source_class"]) == ("publisher_site", "press")
    assert "publisher's file > publisher's site" in row["rule"]


def test_a_published_rank_beats_a_computed_one(paths):
    write(
        paths,
        "year,province,indicator,score,rank,source_url,rank_basis\n"
        f"2020,Quảng Ninh,overall,,3,{PUBLISHER},computed\n"
        f"2020,Quảng Ninh,overall,,4,{PRESS},published\n",
    )
    clean(paths)
    row = pd.read_parquet(paths.processed / "indices.parquet").iloc[0]
    assert (row["rank"], row["rank_basis"], row["rank_source_url"]) == (4, "published", PRESS)


def test_ranks_are_computed_only_from_complete_lists(paths, monkeypatch):
    from egov_analysis.clean import derive

    monkeypatch.setattr(derive, "n_ranked", lambda index, year, geography: 3)
    write(
        paths,
        HEADER + f"2020,Quảng Ninh,overall,70,,{PUBLISHER}\n2020,Hà Nội,overall,80,,{PUBLISHER}\n"
        f"2020,Hải Phòng,overall,75,,{PUBLISHER}\n2020,Hà Nội,Gia nhập thị trường,7,,{PUBLISHER}\n",
    )
    clean(paths)
    panel = pd.read_parquet(paths.processed / "indices.parquet")
    overall = panel[panel["indicator"].eq("overall")].set_index("province")
    assert overall["rank"].to_dict() == {"Hà Nội": 1, "Hải Phòng": 2, "Quảng Ninh": 3}
    assert set(overall["rank_basis"]) == {"computed"}
    assert panel.loc[panel["indicator"].eq("entry_costs"), "rank"].isna().all()  # 1 of 3: no rank


def test_papi_aggregates_are_sums_marked_computed(paths):
    rows = [
        f"2020,Hà Nội,{label},{score},,{PUBLISHER}"
        for label, score in [
            ("Civic Knowledge", 1.5),
            ("Opportunities for Participation in Elections", 2),
            ("Quality of Village Head Elections", 1),
            ("Voluntary Contributions", 0.5),
        ]
    ]
    write(paths, HEADER + "\n".join(rows) + "\n", "papi/x.csv")
    clean(paths)
    panel = pd.read_parquet(paths.processed / "indices.parquet").set_index("indicator")
    assert panel.loc["participation", "score"] == 5.0
    assert panel.loc["participation", "score_basis"] == "computed"
    assert "overall" not in panel.index  # the other dimensions are missing: no overall score


def test_load_cleans_when_processed_is_missing_or_stale(paths):
    write(paths, HEADER + f"2020,Quảng Ninh,overall,70,1,{PUBLISHER}\n")
    assert len(load("indices", paths)) == 1
    write(paths, HEADER + f"2020,Hà Nội,overall,60,2,{PUBLISHER}\n", "pci/more.csv")
    assert len(load("indices", paths)) == 2
    with pytest.raises(KeyError, match="unknown dataset"):
        load("nope", paths)


def test_cli_clean_exits_non_zero_naming_file_and_line(paths):
    write(paths, HEADER + f"2020,Việt Nam,overall,70,1,{PUBLISHER}\n")
    result = run_clean_cli(paths.raw, paths.processed)
    assert result.returncode == 1
    assert "pci/test.csv:2: province 'Việt Nam': unknown province 'Việt Nam'" in result.stderr
    assert not paths.processed.exists() or not any(paths.processed.glob("*.parquet"))
