"""Builds a scheduled job can trust (issue 20): keys from what each report reads, `--dry-run`, the
state after every report, SIGTERM and SIGINT, log lines and exit codes for monitors, another
reports file's own folders, pruning, the time limit. Tiny notebooks over the real processed data."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import DECLARED, write_notebook

from egov_analysis import config
from egov_analysis.reporting import runner
from egov_analysis.reporting.inputs import Library, notebook_imports
from egov_analysis.reporting.state import Inputs, read_state

SUMMARY = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ build (finished|stopped by SIG[A-Z]+): "
    r"ran (\d+), failed (\d+), up to date (\d+), \d+\.\d s$"
)
REPORTS = """
[[report]]
name = "rankings_dti"
notebook = "rank.ipynb"
parameters = { index = "dti" }

[[report]]
name = "rankings_pci"
notebook = "rank.ipynb"

[[report]]
name = "profile"
notebook = "profile.ipynb"

[[report]]
name = "budget"
notebook = "budget.ipynb"

[[report]]
name = "broken"
notebook = "broken.ipynb"
"""
HOLD_LOCK = (  # another build's lock, held for the seconds given
    "import sys, time\nfrom filelock import FileLock\nlock = FileLock(sys.argv[1])\nlock.acquire()\n"
    "print('held', flush=True)\ntime.sleep(float(sys.argv[2]))\nlock.release()\n"
)
DTI_NOTE = "its rank not shown on page head"  # a note of data/raw/dti/dti_compiled.csv


@pytest.fixture(autouse=True, scope="module")
def kernels_without_preload() -> Iterator[None]:
    """The tiny notebooks import no plotting: kernels started as new interpreters (~0.8 CPU-s
    each) cost less here than a server preloading pandas and matplotlib for them (~3 CPU-s a
    build). The preloaded path is the default, which the shared build and tests/test_build.py
    run, and tests/test_quiet_engine.py runs both."""
    from egov_analysis.reporting.kernel import PRELOAD_VARIABLE

    saved = os.environ.get(PRELOAD_VARIABLE)
    os.environ[PRELOAD_VARIABLE] = "0"  # read by the builds run here and by their subprocesses
    yield
    if saved is None:
        os.environ.pop(PRELOAD_VARIABLE, None)
    else:
        os.environ[PRELOAD_VARIABLE] = saved


def tiny_project(root: Path) -> Path:
    """Notebooks that read what the real ones read, in miniature: a ranking reads its index's rows
    (its `index` parameter, default pci), a profile every index, one the budget, one fails."""
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True)
    index = DECLARED + 'index: str = "pci"  # the index\n'
    write_notebook(
        notebooks / "rank.ipynb",
        'import egov_analysis as ea\npanel = ea.load("indices")\nprint(len(panel[panel["index"].eq(index)]))',
        parameters=index,
    )
    write_notebook(
        notebooks / "profile.ipynb",
        'from egov_analysis import datasets\nprint(datasets.load("indices")["index"].nunique())',
        parameters=DECLARED,
    )
    write_notebook(
        notebooks / "budget.ipynb",
        'import egov_analysis\nprint(len(egov_analysis.load("budget")))',
        parameters=DECLARED,
    )
    write_notebook(notebooks / "broken.ipynb", "raise ValueError('no such unit')", parameters=DECLARED)
    reports_file = root / "mine.toml"
    reports_file.write_text(REPORTS, encoding="utf-8")
    return reports_file


def command(reports_file: Path, processed: Path, *options: str) -> list[str]:
    """`egov-analysis build` for the tiny project; its outputs go where the command decides. One
    report at a time unless ``options`` say otherwise: a second worker's start (~3 CPU-s, its
    kernel server's imports) would cost more than its tiny reports."""
    jobs = [] if {"-j", "--jobs"} & set(options) else ["-j", "1"]
    return [
        sys.executable,
        "-m",
        "egov_analysis",
        "build",
        "--reports-file",
        str(reports_file),
        "--notebooks",
        str(reports_file.parent / "notebooks"),
        "--processed",
        str(processed),
        *jobs,
        *options,
    ]


def build_env() -> dict[str, str]:
    """This environment without the output folders the test session sets: the command decides."""
    return {k: v for k, v in os.environ.items() if k not in ("EGOV_REPORTS_DIR", "EGOV_FIGURES_DIR")}


def run(reports_file: Path, processed: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(reports_file, processed, *options),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=300,
        env=build_env(),
    )


def waiting_build(
    reports_file: Path, paths: config.Paths, seconds: int, *options: str
) -> tuple[subprocess.Popen[str], subprocess.Popen[str]]:
    """A process holding the build lock for ``seconds`` and a build (``options``, then ``--wait``)
    read up to its line saying it waits for that lock; the holder is killed if that fails."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(paths.reports / runner.LOCK_FILE), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        build = subprocess.Popen(
            command(reports_file, paths.processed, *options, "--wait"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=build_env(),
        )
        assert build.stdout is not None
        for line in build.stdout:
            if line.startswith("build: waiting for the build that holds"):
                break
    except BaseException:
        holder.kill()
        raise
    return holder, build


@pytest.fixture(scope="module")
def tiny_built(tmp_path_factory, real_processed):
    """The tiny project built once by the command, as cron would run it (output to pipes)."""
    root = tmp_path_factory.mktemp("incremental")
    reports_file = tiny_project(root)
    done = run(reports_file, real_processed.processed)
    outputs = root / "mine-outputs"
    paths = real_processed.with_overrides(
        reports=outputs / "reports", figures=outputs / "figures", notebooks=root / "notebooks"
    )
    return reports_file, paths, done


def test_another_reports_file_writes_to_its_own_folders(tiny_built):
    _, paths, done = tiny_built
    assert f"build: mine.toml writes to {paths.reports} and {paths.figures}" in done.stdout
    assert (paths.reports / "html" / "rankings_dti.html").is_file()
    assert (paths.reports / "index.html").is_file()
    project = config.paths()
    assert not (project.reports / "html" / "rankings_dti.html").exists()


def test_each_failure_is_told_once_with_its_kept_notebook_and_the_summary_ends_the_log(tiny_built):
    _, paths, done = tiny_built
    assert done.returncode == 1, done.stderr
    kept = paths.reports / "notebooks" / "broken.failed.ipynb"
    failures = [line for line in (done.stdout + done.stderr).splitlines() if "broken" in line]
    assert len(failures) == 1 and failures[0].startswith("FAILED  broken (")
    assert "ValueError: no such unit" in failures[0] and failures[0].endswith(f"kept: {kept}")
    assert kept.is_file()
    last = done.stdout.splitlines()[-1]
    assert SUMMARY.match(last) and SUMMARY.match(last).groups() == ("finished", "5", "1", "0"), last
    assert sorted(line.split()[1] for line in done.stdout.splitlines() if line.startswith("ok ")) == [
        "budget",
        "profile",
        "rankings_dti",
        "rankings_pci",
    ]


def test_the_state_keeps_what_each_report_read(tiny_built):
    _, paths, _ = tiny_built
    state = read_state(paths.reports)
    data = {
        name: sorted(state[name]["inputs"]["data"]) for name in ("rankings_dti", "rankings_pci", "budget")
    }
    assert data == {"rankings_dti": ["indices[dti]"], "rankings_pci": ["indices[pci]"], "budget": ["budget"]}
    profile = sorted(state["profile"]["inputs"]["data"])
    assert profile == ["indices"]  # no index named: every row
    library = state["rankings_dti"]["inputs"]["library"]
    assert "egov_analysis.datasets" in library and "egov_analysis.reporting.execute" in library
    assert "egov_analysis.reporting.engines" not in library and "egov_analysis.cli" not in library
    assert "egov_analysis.clean.reconcile" not in library  # the cleaning shows in the tables
    assert "last_error" in state["broken"] and "inputs" not in state["broken"]


def test_dry_run_after_a_build_lists_only_what_changed(tiny_built, tmp_path):
    reports_file, paths, _ = tiny_built
    state = (paths.reports / ".build_state.json").read_bytes()
    done = run(reports_file, paths.processed, "--dry-run")
    assert done.returncode == 0 and done.stdout == "broken\tfailed last time\n", done.stdout
    # a note edited in one DTI raw file: only the reports reading DTI rows would run
    raw = tmp_path / "raw"
    shutil.copytree(config.paths().raw, raw)
    dti = raw / "dti" / "dti_compiled.csv"
    text = dti.read_text("utf-8")
    assert DTI_NOTE in text
    dti.write_text(text.replace(DTI_NOTE, "its rank is not shown on the page's head", 1), "utf-8")
    done = run(reports_file, paths.processed, "--dry-run", "--raw", str(raw))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "rankings_dti\tdata: indices[dti]",
        "profile\tdata: indices",
        "broken\tfailed last time",
    ]
    assert done.stderr.startswith("dry run: the raw data changed; cleaning them into ")
    done = run(reports_file, paths.processed, "--dry-run", "--force", "--only", "budget")
    assert done.stdout == "budget\tforced\n"
    assert (paths.reports / ".build_state.json").read_bytes() == state  # nothing was written
    assert not (tmp_path / "processed").exists()


def test_a_module_no_report_imports_changes_no_key_and_one_they_import_says_which(tiny_built, tmp_path):
    _, paths, _ = tiny_built
    from egov_analysis.config import PACKAGE_DIR
    from egov_analysis.reporting.contract import load_reports

    copy = tmp_path / "egov_analysis"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    reports = [r for r in load_reports(tiny_built[0], paths.notebooks) if r.name != "broken"]
    state = read_state(paths.reports)

    def plan_with(edited: str) -> dict[str, str]:
        target = copy / edited
        target.write_text(target.read_text("utf-8") + "\n# a comment\n", "utf-8")
        try:
            inputs = Inputs(paths.notebooks, paths.processed, tmp_path / "cache.json", library=Library(copy))
            return runner.plan(paths, reports, state, inputs)
        finally:
            shutil.copyfile(PACKAGE_DIR / edited, target)

    assert plan_with("reporting/engines.py") == {}
    assert plan_with("cli.py") == {}
    assert plan_with("clean/reconcile.py") == {}
    assert plan_with("reporting/index_page.py") == {}  # the site's pages are written by every build
    assert plan_with("reporting/templates/site/index.html.j2") == {}
    assert plan_with("datasets.py") == {r.name: "library: egov_analysis.datasets" for r in reports}
    assert plan_with("meta/indices.csv") == {r.name: "library: egov_analysis.meta" for r in reports}


def test_every_package_data_file_counts_with_the_module_that_reads_it():
    from egov_analysis.config import PACKAGE_DIR
    from egov_analysis.reporting.inputs import DATA_FILES, NOT_DATA, data_file_module

    modules = set(Library().graph.modules)
    assert set(DATA_FILES.values()) <= modules
    files = [
        p.relative_to(PACKAGE_DIR).as_posix()
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts and p.name not in NOT_DATA
    ]
    assert files and [f for f in files if data_file_module(f) is None] == []
    assert data_file_module("reporting/templates/site/index.html.j2") == "egov_analysis.reporting.index_page"


def test_notebook_imports_follow_the_package_lazy_names(tmp_path):
    modules = set(Library().graph.modules)
    book = write_notebook(
        tmp_path / "n.ipynb",
        "%matplotlib inline\nimport egov_analysis as ea\nea.load('x')",
        "from egov_analysis import plots, formatting as fmt\nfrom egov_analysis.analysis import rankings",
    )
    assert notebook_imports(book, modules) == {
        "egov_analysis",
        "egov_analysis.datasets",
        "egov_analysis.plots",
        "egov_analysis.formatting",
        "egov_analysis.analysis",
        "egov_analysis.analysis.rankings",
    }
    broken = write_notebook(tmp_path / "b.ipynb", "def (:")
    assert notebook_imports(broken, modules) is None  # unreadable: the whole package counts


def test_quiet_prints_only_failures_and_the_summary(tiny_built):
    reports_file, paths, _ = tiny_built
    done = run(reports_file, paths.processed, "--quiet")
    assert done.returncode == 1
    [summary] = done.stdout.splitlines()
    assert SUMMARY.match(summary).groups() == ("finished", "1", "1", "4"), summary
    assert [line.split()[0] for line in done.stderr.splitlines()] == ["FAILED", "build:"]


def test_reports_no_longer_listed_are_pruned_with_a_log_line(tiny_built, tmp_path):
    reports_file, paths, _ = tiny_built
    gone = paths.reports / "html" / "budget.html"
    assert gone.is_file() and (paths.reports / "notebooks" / "budget.ipynb").is_file()
    shorter = reports_file.with_name("mine.toml")
    kept_text = reports_file.read_text("utf-8")
    try:
        shorter.write_text(kept_text.replace('name = "budget"', 'name = "budget_renamed"'), "utf-8")
        result = runner.build(paths, shorter, progress=False, log=(lines := []).append, only=["rankings_dti"])
    finally:
        reports_file.write_text(kept_text, "utf-8")
    assert result.pruned == ["budget"] and result.ran == []
    assert "build: removed the outputs of 'budget', which mine.toml no longer lists" in lines
    assert not gone.exists() and not (paths.reports / "notebooks" / "budget.ipynb").exists()
    assert "budget" not in read_state(paths.reports)


def test_another_build_holding_the_lock_exits_75_and_wait_waits(tiny_built):
    from filelock import FileLock

    reports_file, paths, _ = tiny_built
    lock = FileLock(str(paths.reports / runner.LOCK_FILE))
    with lock:
        done = run(reports_file, paths.processed, "--only", "profile")
        assert done.returncode == runner.LOCKED_EXIT == 75
        assert done.stderr.startswith("build: another build is running (lock ")
        started = time.monotonic()
        done = run(reports_file, paths.processed, "--only", "profile", "--wait", "1")
        assert done.returncode == 75 and time.monotonic() - started >= 1
    holder, build = waiting_build(reports_file, paths, 120, "--only", "profile")
    holder.kill()  # the other build ends: its lock goes with it
    holder.wait()
    out, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert SUMMARY.match(out.splitlines()[-1]).groups() == ("finished", "0", "0", "1")


@pytest.mark.slow
def test_a_build_stopped_by_sigterm_keeps_its_finished_reports(tmp_path, real_processed):
    signum, status = signal.SIGTERM, 143
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "quick.ipynb", "print('done')", parameters=DECLARED)
    write_notebook(notebooks / "slow.ipynb", "import time\ntime.sleep(120)", parameters=DECLARED)
    reports_file = tmp_path / "mine.toml"
    reports_file.write_text(
        '[[report]]\nname = "quick"\nnotebook = "quick.ipynb"\n\n'
        '[[report]]\nname = "slow"\nnotebook = "slow.ipynb"\n'
    )
    env = build_env()
    build = subprocess.Popen(
        command(reports_file, real_processed.processed),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert build.stdout is not None
    lines = []
    for line in build.stdout:  # the first report's line, then the signal
        lines.append(line.rstrip("\n"))
        if line.startswith("ok      quick"):
            break
    time.sleep(1)  # the slow report's kernel is running
    stopped = time.monotonic()
    build.send_signal(signum)
    out, err = build.communicate(timeout=60)
    assert build.returncode == status and time.monotonic() - stopped < 30
    lines += out.splitlines()
    name = signal.Signals(signum).name
    assert f"build: stopped by {name}; 1 finished report(s) kept, the rest not run" in err
    assert "Traceback" not in err
    assert SUMMARY.match(lines[-1]).groups() == (f"stopped by {name}", "1", "0", "0"), lines
    state = json.loads((tmp_path / "mine-outputs" / "reports" / ".build_state.json").read_text("utf-8"))
    assert list(state) == ["quick"]
    assert not (tmp_path / "mine-outputs" / "reports" / ".staging").exists()
    done = subprocess.run(
        command(reports_file, real_processed.processed, "--dry-run"), capture_output=True, text=True, env=env
    )
    assert done.stdout == "slow\toutput missing: html/slow.html\n"  # quick is not run again


def test_ctrl_c_ends_a_build_with_130_and_the_summary_line(tiny_built):
    reports_file, paths, _ = tiny_built
    holder, build = waiting_build(reports_file, paths, 60)
    try:
        build.send_signal(signal.SIGINT)
        out, err = build.communicate(timeout=60)
    finally:
        holder.kill()
    assert build.returncode == 130
    assert err == "build: stopped by SIGINT; 0 finished report(s) kept, the rest not run\n"
    assert SUMMARY.match(out.splitlines()[-1]).groups() == ("stopped by SIGINT", "0", "0", "0")


def test_a_report_over_its_time_limit_fails_with_one_line(tmp_path, real_processed):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "slow.ipynb", "import time\ntime.sleep(60)", parameters=DECLARED)
    reports_file = tmp_path / "r.toml"
    reports_file.write_text('[[report]]\nname = "slow"\nnotebook = "slow.ipynb"\n')
    paths = real_processed.with_overrides(
        notebooks=notebooks, reports=tmp_path / "reports", figures=tmp_path / "figures"
    )
    started = time.monotonic()
    result = runner.build(paths, reports_file, jobs=1, progress=False, time_limit=2)
    assert time.monotonic() - started < 50  # not the minute the notebook asks for
    [failure] = result.failures
    assert failure.error.startswith("time limit: the report ran longer than 2 s")
