"""The one checked reader of every raw file: each kind of bad input, written inline, is refused
with its file and PHYSICAL line (or read right), every problem at once, and data/processed stays
byte-identical. Also the refusal to publish fewer index-years than the current outputs."""

from __future__ import annotations

import os
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from support import run_clean_cli, tree_digest

from egov_analysis import config
from egov_analysis.clean.problems import ValidationError
from egov_analysis.clean.read import read_checked
from egov_analysis.clean.run import DataLossError, clean
from egov_analysis.fields import RAW_FACTS, SOURCE_ROWS

HEADER = "year,province,indicator,score,rank,source_url\n"
URL = "https://pcivietnam.vn/x"
GOOD = HEADER + f"2020,Quảng Ninh,overall,75,1,{URL}\n2020,Hà Nội,overall,70,2,{URL}\n"
REAL_RAW = config.paths().raw
PROGRAMME_FILES = (
    "programme/facts.csv",
    "programme/phases.csv",
    "budget/provincial_budget_plan.csv",
    "budget/provincial_budget_final.csv",
    "cpi/cpi_annual.csv",
)


@pytest.fixture
def paths(tmp_path: Path) -> config.Paths:
    """A tiny raw folder, cleaned once: processed holds a published set."""
    raw = tmp_path / "raw"
    (raw / "pci").mkdir(parents=True)
    (raw / "pci" / "good.csv").write_text(GOOD, encoding="utf-8")
    paths = config.paths(raw=raw, processed=tmp_path / "processed")
    clean(paths)
    return paths


def write(paths: config.Paths, name: str, content: str | bytes) -> Path:
    path = paths.raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def refused(paths: config.Paths) -> pd.DataFrame:
    """The problems of a clean that must fail; processed is checked to be untouched."""
    before = tree_digest(paths.processed)
    with pytest.raises(ValidationError) as info:
        clean(paths)
    assert tree_digest(paths.processed) == before
    return info.value.report


def where(report: pd.DataFrame, rule: str) -> list[tuple[str, int, str]]:
    hit = report[report["rule"].eq(rule)]
    return list(zip(hit["file"], hit["line"], hit["column"], strict=True))


def test_a_quoted_line_break_does_not_shift_later_lines(paths):
    write(
        paths,
        "pci/notes.csv",
        HEADER.replace("\n", ",note\n")
        + f'2020,Đà Nẵng,overall,72,3,{URL},"a note\nover two lines"\n'
        + f"2020,Quảng,overall,71,4,{URL},\n",
    )
    assert where(refused(paths), "unknown_province") == [("pci/notes.csv", 4, "province")]


def test_a_blank_line_does_not_shift_later_lines(paths):
    write(
        paths,
        "pci/blank.csv",
        HEADER + f"2020,Đà Nẵng,overall,72,3,{URL}\n\n\n2020,Quảng,overall,71,4,{URL}\n",
    )
    assert where(refused(paths), "unknown_province") == [("pci/blank.csv", 5, "province")]


@pytest.mark.parametrize(
    ("row", "hint"),
    [
        (f"2020,Đà Nẵng,overall,75,09,3,{URL}", "decimal comma"),
        (f"2020,Đà Nẵng,overall,75,{URL}", ""),
        (f"2020;Đà Nẵng;overall;75;3;{URL}", "separated by ';'"),
    ],
)
def test_a_row_with_too_many_or_too_few_fields_is_reported_at_its_own_line(paths, row, hint):
    write(paths, "pci/fields.csv", HEADER + f"2020,Hải Phòng,overall,60,5,{URL}\n{row}\n")
    report = refused(paths)
    hit = report[report["rule"].eq("wrong_field_count")]
    assert (hit["file"].tolist(), hit["line"].tolist()) == (["pci/fields.csv"], [3])
    assert hint in hit["message"].iloc[0]


def test_a_semicolon_separated_file_is_refused_by_name(paths):
    write(paths, "pci/semi.csv", HEADER.replace(",", ";") + f"2020;Đà Nẵng;overall;72;3;{URL}\n")
    assert where(refused(paths), "wrong_delimiter") == [("pci/semi.csv", 1, HEADER.strip().replace(",", ";"))]


def test_a_quote_never_closed_is_refused_at_its_line(paths):
    write(paths, "pci/quote.csv", HEADER + f'2020,Đà Nẵng,overall,72,3,{URL}\n2020,"Huế,overall,70,4,{URL}\n')
    assert where(refused(paths), "bad_quoting") == [("pci/quote.csv", 3, "")]


@pytest.mark.parametrize(
    ("header", "rule", "column", "words"),
    [
        (
            "year,province,indicator,score,rank,source_url,teir",
            "unknown_column",
            "teir",
            "did you mean 'tier'",
        ),
        (
            "year,province,indicator,score,rank,source_url,notes",
            "unknown_column",
            "notes",
            "did you mean 'note'",
        ),
        ("year,province,indicator,score,rank,source_url,note,note", "duplicate_column", "note", "twice"),
    ],
)
def test_unknown_and_duplicate_columns_are_refused(paths, header, rule, column, words):
    cells = header.count(",") - 5
    write(paths, "pci/cols.csv", f"{header}\n2020,Đà Nẵng,overall,72,3,{URL}{',x' * cells}\n")
    report = refused(paths)
    assert where(report, rule) == [("pci/cols.csv", 1, column)]
    assert words in report.loc[report["rule"].eq(rule), "message"].iloc[0]


def test_a_header_repeated_inside_a_file_is_refused(paths):
    write(paths, "pci/twice.csv", GOOD + HEADER + f"2020,Đà Nẵng,overall,72,3,{URL}\n")
    assert where(refused(paths), "repeated_header") == [("pci/twice.csv", 4, "")]


def test_an_upper_case_csv_suffix_is_read(paths):
    write(paths, "pci/MORE.CSV", HEADER + f"2020,Đà Nẵng,overall,72,3,{URL}\n")
    clean(paths)
    assert "Đà Nẵng" in set(pd.read_parquet(paths.processed / "indices.parquet")["province"])


@pytest.mark.parametrize(
    ("name", "rule", "file"),
    [
        ("pci/old/copy.csv", "unexpected_folder", "pci/old/"),
        ("pcii/values.csv", "unknown_folder", "pcii/"),
        ("pci/values.xlsx", "unexpected_file", "pci/values.xlsx"),
        ("values.csv", "unexpected_file", "values.csv"),
        ("programme/extra.csv", "unexpected_file", "programme/extra.csv"),
    ],
)
def test_sub_folders_unknown_folders_and_stray_files_are_refused(paths, name, rule, file):
    write(paths, name, GOOD)
    assert where(refused(paths), rule) == [(file, 0, "")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_and_never_opened(paths):
    os.mkfifo(paths.raw / "pci" / "pipe.csv")  # opening it for reading would block forever
    result = run_clean_cli(paths.raw, paths.processed)  # the subprocess would hang, not fail
    assert result.returncode == 1
    assert "pci/pipe.csv:1: not a regular file" in result.stderr


def test_a_file_over_the_size_limit_is_refused_with_its_size(paths, monkeypatch):
    monkeypatch.setenv(config.MAX_RAW_FILE_VARIABLE, "1000")
    write(paths, "pci/big.csv", HEADER + f"2020,Đà Nẵng,overall,72,3,{URL}\n" * 40)
    report = refused(paths)
    assert where(report, "file_too_large") == [("pci/big.csv", 1, "")]
    size = (paths.raw / "pci" / "big.csv").stat().st_size
    assert f"{size:,} bytes, over the limit of 1,000 bytes" in report["message"].iloc[0]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://211.88.39.63/article/a.html", "bare IP address"),
        ("https:///no-host", "no host"),
        ("ftp://files.example.vn/a", "not an http(s) URL"),
        ("http://www.ufabetindo.in/da-nang-tops", "refused host"),
    ],
)
def test_a_source_url_must_be_http_with_a_real_host_and_not_refused(paths, url, words):
    write(paths, "pci/urls.csv", HEADER + f"2020,Đà Nẵng,overall,72,3,{url}\n")
    report = refused(paths)
    assert where(report, "bad_source_url") == [("pci/urls.csv", 2, "source_url")]
    assert words in report["message"].iloc[0]


def test_every_problem_is_reported_at_once_across_files(paths):
    write(paths, "pci/a.csv", HEADER + f"2020,Đà Nẵng,overall,72,3,{URL},extra\n")
    write(paths, "pci/b.csv", "year,province,indicator,score,rank,source_url,teir\n")
    write(paths, "zz/c.csv", GOOD)
    assert set(refused(paths)["rule"]) == {"wrong_field_count", "unknown_column", "unknown_folder"}


def test_the_cli_exits_non_zero_naming_file_and_physical_line(paths):
    write(
        paths,
        "pci/notes.csv",
        HEADER.replace("\n", ",note\n")
        + f'2020,Đà Nẵng,overall,72,3,{URL},"two\nlines"\n2020,Huế,overall,70,4,{URL},x,y\n'
        + f"2020,Quảng,overall,71,5,{URL},\n",
    )
    before = tree_digest(paths.processed)
    result = run_clean_cli(paths.raw, paths.processed)
    assert result.returncode == 1
    assert "pci/notes.csv:4: 8 fields where the header has 7" in result.stderr
    assert "pci/notes.csv:5: province 'Quảng': unknown province" in result.stderr
    assert tree_digest(paths.processed) == before


def test_read_checked_gives_rows_with_their_physical_lines_and_the_problems(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + f'2020,Huế,overall,"70\n",1,{URL}\n\n2020,,overall,71,2,\n', encoding="utf-8")
    frame, problems = read_checked(path, SOURCE_ROWS)
    assert frame["_line"].tolist() == [2, 5]
    assert frame["geography"].tolist() == ["", ""]  # left-out optional columns are empty
    report = problems.report()
    assert list(zip(report["line"], report["column"], report["rule"], strict=True)) == [
        (5, "province", "missing_value"),
        (5, "source_url", "missing_source"),
    ]


# ---- the programme's files go through the same reader ----


@pytest.fixture
def programme(paths: config.Paths) -> config.Paths:
    for name in PROGRAMME_FILES:
        write(paths, name, (REAL_RAW / name).read_bytes())
    clean(paths)
    return paths


def test_a_programme_facts_file_in_nfd_is_read_as_nfc(programme):
    milestones = pd.read_parquet(programme.processed / "milestones.parquet")
    facts = programme.raw / "programme" / "facts.csv"
    facts.write_text(unicodedata.normalize("NFD", facts.read_text(encoding="utf-8")), encoding="utf-8")
    clean(programme)
    again = pd.read_parquet(programme.processed / "milestones.parquet")
    pd.testing.assert_frame_equal(again, milestones)
    assert again["quote_vi"].map(lambda q: unicodedata.is_normalized("NFC", q)).all()


def test_a_renamed_programme_column_is_a_problem_not_a_key_error(programme):
    facts = programme.raw / "programme" / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(",metric,", ",metrics,", 1), encoding="utf-8")
    report = refused(programme)
    assert where(report, "unknown_column") == [("programme/facts.csv", 1, "metrics")]
    assert where(report, "missing_columns") == [("programme/facts.csv", 1, "metric")]
    assert "did you mean 'metric'" in report["message"].iloc[-1] + report["message"].iloc[0]


def test_a_header_only_phases_file_is_refused(programme):
    phases = programme.raw / "programme" / "phases.csv"
    phases.write_text(phases.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert where(refused(programme), "empty_file") == [("programme/phases.csv", 1, "")]


def test_programme_cells_are_checked_with_file_line_and_column(programme):
    budget = programme.raw / "budget" / "provincial_budget_plan.csv"
    lines = budget.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("million VND", "tỷ đồng")
    budget.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cpi = programme.raw / "cpi" / "cpi_annual.csv"
    cpi.write_text(
        cpi.read_text(encoding="utf-8").replace("https://", "http://10.0.0.1/", 1), encoding="utf-8"
    )
    report = refused(programme)
    assert where(report, "not_allowed") == [("budget/provincial_budget_plan.csv", 6, "unit")]
    assert where(report, "bad_source_url") == [("cpi/cpi_annual.csv", 2, "source_url")]


def test_read_checked_reads_a_programme_format(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "topic,phase,year,metric,value,unit,source_url,quote_vi\n"
        f"budget,,2017-2020,Total,86 tỷ đồng,,{URL},“86 tỷ đồng”\n"
        f"budget,,20x7,Total,1,,{URL},q\n",
        encoding="utf-8",
    )
    frame, problems = read_checked(path, RAW_FACTS)
    assert frame["note"].tolist() == ["", ""]
    assert problems.report()[["line", "column", "rule"]].values.tolist() == [[3, "year", "bad_format"]]


# ---- a clean that would publish less than before ----


def test_a_clean_that_would_drop_index_years_stops_and_names_them(paths):
    write(paths, "papi/p.csv", HEADER + f"2020,Huế,Civic Knowledge,1.5,,{URL}\n")
    clean(paths)
    (paths.raw / "papi" / "p.csv").unlink()
    before = tree_digest(paths.processed)
    with pytest.raises(DataLossError, match=r"papi 2020 \(provinces_63\)") as info:
        clean(paths)
    assert info.value.lost.values.tolist() == [["papi", 2020, "provinces_63"]]
    assert tree_digest(paths.processed) == before
    result = run_clean_cli(paths.raw, paths.processed)
    assert result.returncode == 1 and "--allow-loss" in result.stderr
    assert tree_digest(paths.processed) == before
    clean(paths, allow_loss=True)
    assert set(pd.read_parquet(paths.processed / "coverage.parquet")["index"]) == {"pci"}


def test_the_outlines_are_published_and_read_through_load(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REAL_RAW / "geo", raw / "geo")
    (raw / "pci").mkdir()
    (raw / "pci" / "good.csv").write_text(GOOD, encoding="utf-8")
    from egov_analysis.datasets import outline_features

    paths = config.paths(raw=raw, processed=tmp_path / "processed")
    features = outline_features("units_34", paths)
    assert len(features) == 34 and {"code", "name", "source_url", "note"} <= set(features[0]["properties"])
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert len(outline_features("provinces_63", paths)) == 63
