"""Adding an index is rows in the domain tables plus raw files — no code change. A toy index is
registered in a temporary copy of src/egov_analysis/meta/ (EGOV_META_DIR) and goes through
`clean` and the rankings functions end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import run_clean_cli

from egov_analysis import config, meta
from egov_analysis.analysis.rankings import rank_change, rank_matrix, select
from egov_analysis.clean.problems import ValidationError
from egov_analysis.clean.run import clean
from egov_analysis.datasets import load

URL = "https://toy-publisher.example.org/report"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> config.Paths:
    tables = tmp_path / "meta"
    shutil.copytree(
        meta.PACKAGE_META_DIR, tables, ignore=shutil.ignore_patterns("*.py", "messages", "__pycache__")
    )
    _append(
        tables / "indices.csv",
        "toy,Toy Governance Index,Chỉ số Quản trị Thử nghiệm,Toy Institute,Viện Thử nghiệm,2021-2022,"
        "0,10,higher_is_better,points (0-10),a toy,chỉ số thử\n",
    )
    _append(tables / "publishers.csv", "toy_institute,Toy Institute,Viện Thử nghiệm,,,\n")
    _append(
        tables / "index_editions.csv",
        "toy,2021,provinces_63,3,toy_institute,,three provinces ranked,ba tỉnh được xếp hạng,,\n"
        "toy,2022,provinces_63,3,toy_institute,,three provinces ranked,ba tỉnh được xếp hạng,,\n",
    )
    _append(
        tables / "indicators.csv",
        "toy,overall,overall,,0,10,Toy score,Điểm thử\ntoy,openness,subindex,overall,0,5,Openness,Độ mở\n",
    )
    _append(
        tables / "indicator_labels.csv", "toy,Tổng điểm,overall\ntoy,Độ mở,openness\ntoy,Openness,openness\n"
    )
    monkeypatch.setenv(meta.META_DIR_VARIABLE, str(tables))
    raw = tmp_path / "raw" / "toy"
    raw.mkdir(parents=True)
    header = "year,province,indicator,score,rank,source_url\n"
    (raw / "toy_2021.csv").write_text(
        header + f"2021,Quảng Ninh,Tổng điểm,7.5,,{URL}\n2021,Hà Nội,Tổng điểm,8.25,,{URL}\n"
        f"2021,Đà Nẵng,Tổng điểm,6,,{URL}\n2021,Đà Nẵng,Openness,4.5,,{URL}\n",
        encoding="utf-8",
    )
    (raw / "toy_2022.csv").write_text(
        header + f'2022,Quảng Ninh,Tổng điểm,"8,9",,{URL}\n2022,TP. Hà Nội,Tổng điểm,8.1,,{URL}\n'
        f"2022,Da Nang,Tổng điểm,5.5,,{URL}\n",
        encoding="utf-8",
    )
    return config.paths(raw=tmp_path / "raw", processed=tmp_path / "processed")


def test_a_toy_index_goes_through_clean_and_the_rankings_with_no_code_change(toy):
    clean(toy)
    panel = load("indices", toy)
    overall = select(panel, "toy", "overall")
    assert sorted(overall["province"].unique()) == ["Hà Nội", "Quảng Ninh", "Đà Nẵng"]
    assert overall.set_index(["year", "province"])["score"].to_dict()[(2022, "Quảng Ninh")] == 8.9
    # complete score lists (3 of the 3 ranked): ranks are computed and marked so
    matrix = rank_matrix(overall)
    assert matrix.loc["Quảng Ninh"].tolist() == [2, 1] and matrix.loc["Hà Nội"].tolist() == [1, 2]
    assert set(overall["rank_basis"]) == {"computed"} and set(overall["n_ranked"]) == {3}
    change = rank_change(overall, 2021, 2022).set_index("province")
    assert change.loc["Quảng Ninh", "rank_change"] == 1
    coverage = load("coverage", toy).set_index(["index", "year", "indicator"])
    assert coverage.loc[("toy", 2021, "openness"), "score_share_pct"] == pytest.approx(33.3)
    assert load("indices", toy).query("indicator == 'openness'")["score"].tolist() == [4.5]


def test_the_toy_index_keeps_its_own_rules(toy):
    _append(
        toy.raw / "toy" / "toy_2022.csv", f"2022,Hải Phòng,Openness,6,4,{URL}\n2023,Huế,Tổng điểm,5,,{URL}\n"
    )
    with pytest.raises(ValidationError) as info:
        clean(toy)
    report = info.value.report.set_index("rule")
    assert "0–5 for toy Openness" in report.loc["out_of_range", "message"]
    assert "1..3" in report.loc["rank_out_of_range", "message"]
    assert report.loc["year_not_published", "line"] == 6


def test_the_cli_reads_the_same_tables(toy):
    result = run_clean_cli(toy.raw, toy.processed)
    assert result.returncode == 0, result.stderr
    assert set(pd.read_parquet(toy.processed / "indices.parquet")["index"]) == {"toy"}


def test_without_the_rows_in_meta_the_toy_folder_is_refused(toy, monkeypatch):
    monkeypatch.delenv(meta.META_DIR_VARIABLE)
    with pytest.raises(ValidationError) as info:
        clean(toy)
    report = info.value.report
    assert report["rule"].tolist() == ["unknown_folder"]
    assert report["file"].tolist() == ["toy/"] and "register the index" in report["message"].iloc[0]
