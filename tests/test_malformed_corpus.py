"""Every malformed raw file of tests/data/malformed is refused by `egov-analysis clean`, naming the
file, the line and the column, and data/processed stays byte-identical. The corpus is cleaned in one
run (clean lists every failure at once), so each file's refusal is read from the same report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import run_clean_cli, tree_digest

from egov_analysis import config

CORPUS = Path(__file__).parent / "data" / "malformed"

# file → (line, column, rule) expected in the report
EXPECTED = {
    "unknown_province.csv": (3, "province", "unknown_province"),
    "misspelled_province.csv": (3, "province", "unknown_province"),
    "non_numeric_score.csv": (3, "score", "not_a_number"),
    "out_of_range_score.csv": (3, "score", "out_of_range"),
    "rank_zero.csv": (3, "rank", "rank_out_of_range"),
    "rank_above_n.csv": (3, "rank", "rank_out_of_range"),
    "duplicate_key_different_values.csv": (3, "score", "conflict_within_source"),
    "missing_column.csv": (1, "rank", "missing_columns"),
    "empty.csv": (1, "", "empty_file"),
    "non_utf8.csv": (2, "", "not_utf8"),
    "html_page.csv": (1, "", "html_not_csv"),
    "refused_number.csv": (3, "score", "not_a_number"),
    "unquoted_decimal_comma.csv": (3, "", "wrong_field_count"),
    "semicolon_separated.csv": (1, "", "wrong_delimiter"),
    "misspelt_optional_column.csv": (1, "teir", "unknown_column"),
    "bare_ip_source.csv": (3, "source_url", "bad_source_url"),
    "quoted_line_break.csv": (4, "province", "unknown_province"),  # the physical line
}


def test_the_corpus_and_the_expectations_match():
    assert sorted(p.name for p in CORPUS.glob("*.csv")) == sorted(EXPECTED)


def _caches(folder: str, names: list[str]) -> list[str]:
    """What reports add beside the published tables (written while other tests read them)."""
    return [n for n in names if n in ("cache", ".clean.lock")]


@pytest.fixture(scope="module")
def refused(tmp_path_factory, real_processed) -> tuple[subprocess.CompletedProcess[str], bool]:
    """A copy of the real raw data and of their cleaning (the session's, conftest
    ``real_processed``); then the whole corpus added at once and cleaned by the command: clean
    reports every failure in one run (each file's expectations are checked by a test of its own
    below), and the processed data must stay as they were."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(config.paths().raw, root / "raw")
    shutil.copytree(real_processed.processed, root / "processed", symlinks=True, ignore=_caches)
    paths = config.paths(raw=root / "raw", processed=root / "processed")
    for name in EXPECTED:
        shutil.copy(CORPUS / name, paths.raw / "pci" / f"zz_{name}")
    before = tree_digest(paths.processed)
    result = run_clean_cli(paths.raw, paths.processed)
    return result, tree_digest(paths.processed) == before


def test_the_corpus_is_refused_and_processed_stays_byte_identical(refused):
    result, unchanged = refused
    assert result.returncode == 1, result.stderr
    assert unchanged


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_clean_refuses_each_malformed_file(refused, name):
    result, _ = refused
    line, column, rule = EXPECTED[name]
    where = f"pci/zz_{name}:{line}:"
    lines = [entry for entry in result.stderr.splitlines() if entry.startswith(where)]
    assert lines, result.stderr
    assert any(f"[{rule}]" in entry and (not column or f" {column}" in entry) for entry in lines), lines
