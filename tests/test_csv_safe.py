"""Every CSV the project writes goes through one writer (``csv_safe.write_csv``), which neutralises
text a spreadsheet would run as a formula: the reports' own tables included (a programme quote
starting ``=HYPERLINK(`` once reached ``article_facts.csv`` live). The scan of every CSV of the
shared build is in test_reviewer_html.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from egov_analysis import csv_safe
from egov_analysis.analysis import counterfactual, phases

SRC = Path(csv_safe.__file__).parent
QUOTE = '=HYPERLINK("http://example.invalid","Đề án")'
# to_csv calls that write no file: the registry printed to a terminal, cache keys
NOT_A_FILE = {("cli.py", "sys.stdout"), ("tables.py", ""), ("counterfactual_study.py", "buffer")}


def test_the_phase_reports_tables_neutralise_formulas(tmp_path):
    tables = {"article_facts": pd.DataFrame({"quote_vi": [QUOTE, "-5%", "thường"], "n": [1, 2, 3]})}
    (path,) = phases.write_tables(tables, tmp_path)
    assert csv_safe.live_formulas(path) == []
    assert pd.read_csv(path)["quote_vi"].tolist() == ["'" + QUOTE, "-5%", "thường"]


class _Result:  # what counterfactual.write_tables reads of a result: its tables
    def tables(self) -> dict[str, pd.DataFrame]:
        return {"scm_donors": pd.DataFrame({"province": ["@SUM(A1)", "Hà Nội"], "weight": [0.1234567, 0.5]})}


def test_the_synthetic_control_tables_neutralise_formulas_and_keep_their_precision(tmp_path):
    (path,) = counterfactual.write_tables(_Result(), tmp_path, "en")  # type: ignore[arg-type]
    assert csv_safe.live_formulas(path) == []
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["'@SUM(A1),0.123457", "Hà Nội,0.5"]


def test_live_formulas_finds_a_live_cell_with_its_file_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(f'a,b\nx,"{QUOTE.replace(chr(34), chr(34) * 2)}"\n+1.5,-2\n', encoding="utf-8")
    assert csv_safe.live_formulas(path) == [f"{path}:2: {QUOTE[:60]}"]


def _to_csv_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "to_csv"
    ]


def test_no_module_but_the_writer_calls_to_csv_on_a_file():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == Path(csv_safe.__file__):
            continue
        for call in _to_csv_calls(ast.parse(path.read_text(encoding="utf-8"))):
            target = ast.unparse(call.args[0]) if call.args else ""
            if (path.name, target) not in NOT_A_FILE:
                offenders.append(f"{path.relative_to(SRC)}:{call.lineno}: to_csv({target})")
    assert offenders == [], "write CSVs with csv_safe.write_csv: " + "; ".join(offenders)
