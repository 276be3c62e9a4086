"""The report contract (issue 9, point 6): every report is held against its notebook's declared
parameters before any kernel starts. These tests start no kernel: running one fails them."""

from __future__ import annotations

import json
import os
import re
import tracemalloc
from pathlib import Path

import pytest

from egov_analysis import cli, config
from egov_analysis.reporting import contract
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.reports import ReportContractError
from egov_analysis.reporting.runner import build

NOTEBOOKS = config.paths().notebooks
MISSPELT = """
[[report]]
name = "profile_ha_noi"
title = "Province profile: Hà Nội"
notebook = "province_profile.ipynb"
parameters = { provnce = "Hà Nội" }
"""
INJECTED_NAME = """
[[report]]
name = "owned"
notebook = "province_profile.ipynb"
parameters = {{ "province = 'x'\\nimport os; os.system('touch {marker}')\\n_y" = 1 }}
"""


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail loudly if anything tries to run a notebook or start the worker pool."""
    calls: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append("kernel")
        raise AssertionError("a kernel was started")

    import papermill

    from egov_analysis.reporting import kernel, runner

    monkeypatch.setattr(papermill, "execute_notebook", refuse)
    monkeypatch.setattr(kernel, "run_notebook", refuse)
    monkeypatch.setattr(runner, "_run_all", refuse)
    return calls


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ReportContractError) as caught:
        load_reports(write(tmp_path, text), NOTEBOOKS)
    return caught.value.problems


def test_a_misspelt_parameter_is_refused_before_any_kernel_and_nothing_is_written(
    tmp_path, project_paths, no_kernel
):
    reports_file = write(tmp_path, MISSPELT)
    before = files_under(tmp_path)
    with pytest.raises(ReportContractError) as caught:
        build(project_paths, reports_file, progress=False)
    [problem] = caught.value.problems
    assert problem.startswith(f"{reports_file}:2: report 'profile_ha_noi': unknown parameter 'provnce'")
    assert "did you mean 'province'?" in problem and "declares: geography, lang, province" in problem
    assert no_kernel == []
    # only the build's lock file appears, inside reports/; processed data were not even cleaned
    assert files_under(tmp_path) - before <= {"reports", "reports/.build.lock"}
    assert not (tmp_path / "processed").exists()


def test_the_build_command_exits_non_zero_naming_report_and_parameter(
    tmp_path, project_paths, no_kernel, capsys
):
    reports_file = write(tmp_path, MISSPELT)
    status = cli.main(["build", "--quiet", "--reports-file", str(reports_file)])
    err = capsys.readouterr().err
    assert status == 2
    assert "report 'profile_ha_noi': unknown parameter 'provnce' (did you mean 'province'?)" in err
    assert not (project_paths.reports / "html").exists() and not project_paths.figures.exists()


def test_code_in_a_parameter_name_is_refused_and_never_runs(tmp_path, project_paths, no_kernel):
    marker = tmp_path / "owned"
    reports_file = write(tmp_path, INJECTED_NAME.format(marker=marker))
    with pytest.raises(ReportContractError) as caught:
        build(project_paths, reports_file, progress=False)
    [problem] = caught.value.problems
    assert "report 'owned': parameter name" in problem and "is not a Python identifier" in problem
    assert "import os" in problem  # the name is quoted (repr), so the reader sees what was refused
    assert not marker.exists() and no_kernel == []


def test_values_must_have_the_declared_type_and_are_not_coerced(tmp_path):
    problems = refused(
        tmp_path,
        """
[[report]]
name = "types"
notebook = "provincial_rankings.ipynb"
parameters = { start_year = "2020", end_year = 2024.0, highlight = "Quảng Ninh", top_n = true, index = 3 }
""",
    )
    assert problems == [
        f"{tmp_path / 'reports.toml'}:2: report 'types': parameter 'start_year' is declared int, "
        "but is given the string '2020'",
        f"{tmp_path / 'reports.toml'}:2: report 'types': parameter 'end_year' is declared int, "
        "but is given the float 2024.0",
        f"{tmp_path / 'reports.toml'}:2: report 'types': parameter 'highlight' is declared list, "
        "but is given the string 'Quảng Ninh'",
        f"{tmp_path / 'reports.toml'}:2: report 'types': parameter 'top_n' is declared int, "
        "but is given the boolean True",
        f"{tmp_path / 'reports.toml'}:2: report 'types': parameter 'index' is declared str, "
        "but is given the integer 3",
    ]


@pytest.mark.parametrize(
    ("value", "type_name", "ok"),
    [
        (2020, "int", True),
        ("2020", "int", False),
        (True, "int", False),
        (2, "float", True),  # an integer fits a float parameter
        (2.5, "float", True),
        ("2.5", "float", False),
        (True, "bool", True),
        (1, "bool", False),
        (["a", "b"], "list", True),
        (["a", 1], "list[str]", False),
        (["a", "b"], "list[str]", True),
        ("a", "list", False),
        ("x", "str", True),
        (None, "str", False),
        ({"a": 1}, "dict", True),
        ("x", "str | None", True),
    ],
)
def test_type_rules(value, type_name, ok):
    declared = {"p": contract.Declared("p", type_name, "", "")}
    assert (contract.parameter_problems("p", value, declared) == []) is ok


def test_a_toml_date_is_refused(tmp_path):
    [problem] = refused(
        tmp_path,
        '[[report]]\nname = "d"\nnotebook = "index_relationships.ipynb"\n'
        "parameters = { year = 2016-01-01 }\n",
    )
    assert "parameter 'year': datetime.date(2016, 1, 1) is a TOML date or time" in problem


def test_an_unknown_name_lists_the_known_names(tmp_path):
    [problem] = refused(
        tmp_path,
        '[[report]]\nname = "u"\nnotebook = "index_relationships.ipynb"\nparameters = { colour = "red" }\n',
    )
    assert problem.endswith(
        "unknown parameter 'colour'; the notebook declares: highlight, lang, x_index, y_index, year"
    )


def test_names_the_build_sets_cannot_be_set_by_a_report(tmp_path):
    problems = refused(
        tmp_path,
        '[[report]]\nname = "b"\nnotebook = "data_quality.ipynb"\n'
        'parameters = { figures = "/etc", title = "t", lang = "vi" }\n',
    )
    assert len(problems) == 2  # lang is the report's to choose
    assert "parameter 'figures' cannot be set in the reports file" in problems[0]
    assert "parameter 'title' cannot be set in the reports file" in problems[1]


def _notebook(path: Path, parameters: str) -> None:
    book = {
        "cells": [
            {
                "cell_type": "code",
                "id": "parameters",
                "metadata": {"tags": ["parameters"]},
                "source": parameters,
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(book), encoding="utf-8")


DECLARED = 'lang: str = "en"  # l\ntitle: str = ""  # t\nfigures: str = ""  # f\n'


def test_a_notebook_path_must_stay_inside_notebooks(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "fine.ipynb", DECLARED)
    _notebook(tmp_path / "outside.ipynb", DECLARED)
    (notebooks / "link.ipynb").symlink_to(tmp_path / "outside.ipynb")
    (notebooks / "sub").mkdir()
    text = "".join(
        f'[[report]]\nname = "r{i}"\nnotebook = "{notebook}"\n\n'
        for i, notebook in enumerate(
            [
                "fine.ipynb",
                "../outside.ipynb",
                str(tmp_path / "outside.ipynb"),
                "link.ipynb",
                "sub/../fine.ipynb",
            ]
        )
    )
    with pytest.raises(ReportContractError) as caught:
        load_reports(write(tmp_path, text), notebooks)
    problems = caught.value.problems
    assert len(problems) == 4  # fine.ipynb is fine
    assert "report 'r1': notebook '../outside.ipynb' must stay inside" in problems[0]
    assert f"report 'r2': notebook '{tmp_path / 'outside.ipynb'}' must be a path relative to" in problems[1]
    assert "report 'r3': notebook 'link.ipynb' leads out of" in problems[2] and "symbolic link" in problems[2]
    assert "report 'r4': notebook 'sub/../fine.ipynb' must stay inside" in problems[3]


def test_a_notebook_must_declare_what_the_build_injects(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "old.ipynb", 'report: str = "old"  # the old way\nlang: str = "en"  # l\n')
    with pytest.raises(ReportContractError) as caught:
        load_reports(write(tmp_path, '[[report]]\nname = "old"\nnotebook = "old.ipynb"\n'), notebooks)
    problems = caught.value.problems
    assert [p.split(": ", 2)[2].split(" (")[0] for p in problems] == [
        "notebook 'old.ipynb' does not declare 'figures'",
        "notebook 'old.ipynb' does not declare 'title'",
    ]


def test_every_problem_of_every_report_is_reported_at_once(tmp_path, no_kernel):
    problems = refused(
        tmp_path,
        MISSPELT
        + INJECTED_NAME.format(marker=tmp_path / "m")
        + '[[report]]\nname = "Bad Name"\nnotebook = "data_quality.ipynb"\n'
        + '[[report]]\nname = "types"\nnotebook = "data_quality.ipynb"\nparameters = { lang = 1 }\n'
        + '[[report]]\nname = "gone"\nnotebook = "missing.ipynb"\n'
        + '[[report]]\nname = "profile_ha_noi"\nnotebook = "data_quality.ipynb"\n',
    )
    reports = ["profile_ha_noi", "owned", "Bad Name", "types", "gone", "profile_ha_noi"]
    assert len(problems) == len(reports)
    for report, problem in zip(reports, problems, strict=True):
        assert repr(report) in problem
    assert "listed twice" in problems[-1] and "not found" in problems[-2]
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == sorted(lines)  # in file order, each with its line


def test_the_project_reports_pass_the_contract_in_every_set():
    reports = load_reports(config.paths().root / "reports.toml", NOTEBOOKS)
    assert len(reports) >= 100
    assert contract.check_reports(reports, NOTEBOOKS) == []


def test_the_build_injects_figures_lang_and_title():
    [report] = [
        r
        for r in load_reports(config.paths().root / "reports.toml", NOTEBOOKS)
        if r.name == "profile_quang_ninh_vi"
    ]
    injected = report.notebook_parameters("figures")
    assert injected == {
        "province": "Quảng Ninh",
        "lang": "vi",
        "title": "Hồ sơ địa phương: Quảng Ninh",
        "figures": "figures",
    }
    # no output path travels through the environment any more
    from egov_analysis.reporting import execute

    assert "figures" not in execute.INPUT_PATHS and "reports" not in execute.INPUT_PATHS


def test_the_checks_read_each_notebook_once(monkeypatch):
    import papermill

    calls: list[str] = []
    real = papermill.inspect_notebook
    monkeypatch.setattr(papermill, "inspect_notebook", lambda path: calls.append(path) or real(path))
    monkeypatch.setattr(contract, "_cache", {})
    load_reports(config.paths().root / "reports.toml", NOTEBOOKS)
    assert len(calls) == len(set(calls)) == len(list(NOTEBOOKS.glob("*.ipynb")))
    assert all(os.path.isabs(c) for c in calls)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("inf"), "inf is not a finite number"),
        (float("nan"), "nan is not a finite number"),
        ([1, [2, __import__("datetime").time(3, 0)]], "datetime.time(3, 0) is a TOML date or time"),
        (
            {"a": {"b": __import__("datetime").datetime(2020, 1, 1)}},
            "in key 'a': in key 'b': datetime.datetime",
        ),
        (b"bytes", "b'bytes' is not a plain value"),
        (["Hà Nội", 1, 2.5, True, {"k": "v"}], None),
    ],
)
def test_only_plain_values_reach_a_kernel(value, problem):
    found = contract.plain_problem(value)
    assert found == problem if problem is None else found.startswith(problem)


def test_a_name_too_long_for_the_file_system_is_refused(tmp_path):
    name = "r" * 201
    [problem] = refused(tmp_path, f'[[report]]\nname = "{name}"\nnotebook = "data_quality.ipynb"\n')
    assert "is 201 characters; at most 200 fit a file name" in problem
    assert load_reports(
        write(tmp_path, f'[[report]]\nname = "{name[:200]}"\nnotebook = "data_quality.ipynb"\n'), NOTEBOOKS
    )


# issue 20, point 8: the gaps the contract left, each refused before any kernel starts


def test_a_format_spec_in_a_name_template_is_refused_before_anything_is_formatted(
    tmp_path, project_paths, no_kernel
):
    text = (
        '[[matrix]]\nname = "p_{province_slug:>300000000}"\nnotebook = "province_profile.ipynb"\n'
        'grid = { province = ["Huế"] }\n'
    )
    reports_file = write(tmp_path, text)
    tracemalloc.start()
    try:
        with pytest.raises(ReportContractError) as caught:
            build(project_paths, reports_file, progress=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000  # formatting the name first allocated 300 MB and more
    [problem] = caught.value.problems
    assert "field {province_slug:>300000000} has a format spec" in problem and ":1:" in problem
    assert len(problem) < 400 and no_kernel == []
    for field in ("{province!r}", "{province.upper}", "{province[0]}"):
        [problem] = refused(tmp_path, text.replace("{province_slug:>300000000}", field))
        assert "only plain {name} fields are allowed" in problem


def test_a_huge_template_is_shown_cut_short():
    from egov_analysis.reporting import matrix

    with pytest.raises(matrix.MatrixError) as caught:
        matrix.fill("p_{x}" + "a" * 100_000, {}, "name")
    assert len(str(caught.value)) < 300 and "(100005 characters)" in str(caught.value)


@pytest.mark.parametrize(
    ("set_line", "message"),
    [
        ('set = "all"', "set 'all' is reserved"),
        ('set = ""', "set '' must be lower-case ASCII"),
        ('set = "My Set"', "set 'My Set' must be lower-case ASCII"),
    ],
)
def test_a_set_named_all_or_nothing_is_refused(tmp_path, set_line, message, no_kernel):
    [problem] = refused(tmp_path, f'[[report]]\nname = "q"\nnotebook = "data_quality.ipynb"\n{set_line}\n')
    assert message in problem and ":1:" in problem
    matrix_text = (
        '[[matrix]]\nname = "q_{lang}"\nnotebook = "data_quality.ipynb"\n'
        f'grid = {{ lang = "languages" }}\n{set_line}\n'
    )
    [problem] = refused(tmp_path, matrix_text)
    assert message in problem


def test_a_title_message_needing_a_missing_field_says_which(tmp_path, no_kernel):
    text = (
        '[[matrix]]\nname = "q_{lang}"\ntitle_message = "report_title.profile"\n'
        'notebook = "data_quality.ipynb"\ngrid = { lang = "languages" }\n'
    )
    [problem] = refused(tmp_path, text)
    assert "title_message 'report_title.profile' (en) needs {province}" in problem
    assert "no grid key or parameter" in problem and "fields: lang, lang_slug, lang_upper" in problem


@pytest.mark.parametrize(
    "text",
    [
        '[[report]]\nname = "q"\nnotebook = "data_quality.ipynb"\nparameters = { lang = "fr" }\n',
        '[[matrix]]\nname = "q_{lang}"\nnotebook = "data_quality.ipynb"\ngrid = { lang = ["fr"] }\n',
        '[[matrix]]\nname = "p_{lang}"\ntitle_message = "report_title.profile"\n'
        'notebook = "province_profile.ipynb"\nparameters = { province = "Huế" }\ngrid = { lang = ["fr"] }\n',
    ],
    ids=["report", "matrix", "title_message"],
)
def test_a_language_without_a_catalogue_is_refused(tmp_path, text, project_paths, no_kernel):
    reports_file = write(tmp_path, text)
    with pytest.raises(ReportContractError) as caught:
        build(project_paths, reports_file, progress=False)
    [problem] = caught.value.problems
    assert "lang 'fr' has no message catalogue" in problem and "languages: en, vi" in problem
    assert no_kernel == []


def test_version_is_printed(capsys):
    from egov_analysis import __version__

    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"egov-analysis {__version__}"


def test_an_unknown_only_name_suggests_close_names(tmp_path, project_paths, no_kernel, capsys):
    reports_file = write(
        tmp_path,
        '[[report]]\nname = "rankings_dti"\nnotebook = "data_quality.ipynb"\n'
        '[[report]]\nname = "rankings_pci"\nnotebook = "data_quality.ipynb"\n',
    )
    status = cli.main(["build", "--reports-file", str(reports_file), "--only", "rankings_dt", "zzz"])
    err = capsys.readouterr().err
    assert status == 2 and no_kernel == []
    assert "no report named 'rankings_dt' (did you mean 'rankings_dti', 'rankings_pci'?), 'zzz';" in err


def test_the_reports_file_shape_and_the_contract_do_not_import_each_other():
    import grimp

    graph = grimp.build_graph("egov_analysis", cache_dir=None)
    reports_imports = graph.find_upstream_modules("egov_analysis.reporting.reports")
    assert "egov_analysis.reporting.contract" not in reports_imports
    assert "egov_analysis.reporting.reports" in graph.find_modules_directly_imported_by(
        "egov_analysis.reporting.contract"
    )


def test_a_ranking_reports_years_are_the_first_and_last_held():
    """Review M10: the ICT report was titled 2010–2023 though the 2010 values were refused (the
    data hold 2006 and 2014–2023): a ranking report's range starts and ends at years held, so its
    title's years (from the same parameters) are years held."""
    import pandas as pd

    from egov_analysis.formatting import year_range

    root = Path(__file__).resolve().parents[1]
    reports = load_reports(root / "reports.toml", root / "notebooks")
    checked = 0
    for report in reports:
        p = report.parameters
        if report.notebook != "provincial_rankings.ipynb" or "start_year" not in p:
            continue
        held: set[int] = set()
        for path in (root / "data" / "raw" / str(p["index"])).glob("*.csv"):
            table = pd.read_csv(path, dtype=str, usecols=lambda c: c in ("year", "score", "rank"))
            held |= {int(y) for y in table.loc[table[["score", "rank"]].notna().any(axis=1), "year"]}
        shown = sorted(y for y in held if p["start_year"] <= y <= p["end_year"])
        assert (shown[0], shown[-1]) == (p["start_year"], p["end_year"]), (report.name, shown)
        titled = re.search(r"\d{4}–\d{4}", report.title or "")
        if titled:  # a title naming a range names these years (DTI-34 names its one year, 2024)
            assert titled.group(0) == year_range(p["start_year"], p["end_year"]), report.name
        checked += 1
    assert checked >= 12
