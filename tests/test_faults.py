"""Faults the cleaning and the build must survive (issue 13): concurrent cleans, killed builds,
deleted outputs, left-over staging folders, unreadable versions, full or read-only disks, bad
reports files, and raw edits that keep a file's size and time."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import dead_pid

from egov_analysis import config
from egov_analysis.clean import publish as publish_module
from egov_analysis.clean.publish import CURRENT, VERSIONS, publish, raw_fingerprint

RACER = r"""
import os, sys, time
from pathlib import Path
from egov_analysis.clean.publish import publish
processed, signal_dir, label = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if label == "A":
    real_replace = os.replace
    def replace_after_b(src, dst):
        # A has written its version folder and is about to switch `current` to it: let B run first
        if Path(dst).name == "current":
            (signal_dir / "a_ready").touch()
            deadline = time.monotonic() + 3
            while not (signal_dir / "b_done").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        return real_replace(src, dst)
    os.replace = replace_after_b
else:
    while not (signal_dir / "a_ready").exists():
        time.sleep(0.02)
publish(processed, {"table.csv": lambda path: path.write_text(label)}, {"raw_fingerprint": label})
if label == "B":
    (signal_dir / "b_done").touch()
"""


def test_two_cleans_at_once_leave_current_on_a_whole_version(tmp_path):
    """A publishes its version; B publishes and prunes while A is between its rename and its switch."""
    processed, signals = tmp_path / "processed", tmp_path / "signals"
    signals.mkdir()
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER, str(processed), str(signals), label])
        for label in ("A", "B")
    ]
    assert [racer.wait(timeout=60) for racer in racers] == [0, 0]
    current = processed / CURRENT
    assert current.resolve().is_dir(), f"current points at a deleted version: {os.readlink(current)}"
    assert (processed / "table.csv").read_text() in {"A", "B"}


HOLDER = r"""
import sys, time
from egov_analysis import config
from egov_analysis.clean.publish import clean_lock
from egov_analysis.clean.run import clean
paths = config.paths(processed=sys.argv[1], raw=sys.argv[2])
with clean_lock(paths.processed):
    print("locked", flush=True)
    time.sleep(1.5)  # a long clean, without the CPU of one: load() must wait for it
    clean(paths)
"""
SMALL_RAW = (  # a tiny raw folder's one file, inline (as tests/test_raw_reader.py writes them)
    "year,province,indicator,score,rank,source_url\n"
    "2020,Quảng Ninh,overall,75,1,https://pcivietnam.vn/x\n2020,Hà Nội,overall,70,2,https://pcivietnam.vn/x\n"
)


def test_load_waits_for_a_running_clean_and_does_not_clean_again(tmp_path, monkeypatch):
    from egov_analysis import datasets
    from egov_analysis.clean import run

    (tmp_path / "raw" / "pci").mkdir(parents=True)
    (tmp_path / "raw" / "pci" / "small.csv").write_text(SMALL_RAW, encoding="utf-8")
    paths = config.paths(processed=tmp_path / "processed", raw=tmp_path / "raw")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(paths.processed), str(paths.raw)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    def no_second_clean(_paths: config.Paths) -> Path:
        raise AssertionError("load() cleaned while another clean held the lock")

    monkeypatch.setattr(run, "clean", no_second_clean)
    coverage = datasets.load("coverage", paths)  # waits for the holder's clean, then reads it
    assert holder.wait(timeout=120) == 0
    assert len(coverage) >= 1 and {"index", "year", "n_score"} <= set(coverage.columns)


def test_a_raw_edit_keeping_size_and_time_changes_the_fingerprint(tmp_path):
    """A long-lived kernel's staleness check compares contents, not size and modification time."""
    raw = tmp_path / "raw"
    raw.mkdir()
    table = raw / "table.csv"
    table.write_text("year,score\n2020,1.5\n")
    before_stat = table.stat()
    first = raw_fingerprint([table], raw)
    table.write_text("year,score\n2020,7.5\n")  # same size
    os.utime(table, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))  # same time
    assert table.stat().st_size == before_stat.st_size
    assert raw_fingerprint([table], raw) != first


def test_version_folders_are_readable_like_other_outputs(tmp_path):
    old = os.umask(0o022)
    try:
        version = publish(tmp_path / "processed", {"t.csv": lambda p: p.write_text("x")}, {})
    finally:
        os.umask(old)
    assert stat.S_IMODE(version.stat().st_mode) == 0o755
    assert stat.S_IMODE((version / "t.csv").stat().st_mode) == 0o644


def test_staging_folders_of_killed_cleans_are_swept(tmp_path):
    processed = tmp_path / "processed"
    left = processed / VERSIONS / f".staging-{dead_pid()}-x1y2"
    left.mkdir(parents=True)
    (left / "indices.parquet").write_bytes(b"half written")
    legacy = processed / VERSIONS / ".staging-abc123"  # named by an older version of publish()
    legacy.mkdir()
    version = publish(processed, {"t.csv": lambda p: p.write_text("x")}, {})
    assert not left.exists() and not legacy.exists()
    assert sorted(p.name for p in (processed / VERSIONS).iterdir()) == [version.name]


def test_a_reader_of_the_previous_version_can_still_read_it(tmp_path):
    """A reader that resolved `current` just before a switch reads the version it resolved."""
    processed = tmp_path / "processed"
    first = publish(processed, {"t.csv": lambda p: p.write_text("1")}, {})
    resolved = (processed / "t.csv").resolve()
    publish(processed, {"t.csv": lambda p: p.write_text("2")}, {})
    assert resolved.read_text() == "1" and resolved.parent == first
    assert (processed / "t.csv").read_text() == "2"


def test_publish_holds_the_clean_lock(tmp_path):
    from filelock import FileLock, Timeout

    processed = tmp_path / "processed"
    seen: list[bool] = []

    def writer(path: Path) -> None:
        other = FileLock(str(processed / publish_module.LOCK_FILE))  # another process's view
        result: list[bool] = []

        def try_lock() -> None:
            try:
                other.acquire(timeout=0.1)
                other.release()
                result.append(False)
            except Timeout:
                result.append(True)

        thread = threading.Thread(target=try_lock)
        thread.start()
        thread.join()
        seen.extend(result)
        path.write_text("x")

    publish(processed, {"t.csv": writer}, {})
    assert seen == [True]


@pytest.mark.parametrize("umask", [0o022])
def test_the_processed_links_are_readable(tmp_path, umask):
    old = os.umask(umask)
    try:
        publish(tmp_path / "processed", {"t.csv": lambda p: p.write_text("x")}, {})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "processed" / VERSIONS).stat().st_mode) == 0o755


# --- the build ---------------------------------------------------------------------------------

FAST_REPORTS = """
[[report]]
name = "quality"
title = "Data quality"
notebook = "data_quality.ipynb"

[[report]]
name = "pci_papi"
title = "PCI and PAPI 2016"
notebook = "index_relationships.ipynb"
parameters = { x_index = "pci", y_index = "papi", year = 2016 }
"""


def build_cli(paths: config.Paths, reports_file: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`egov-analysis build` as cron would run it: output to pipes, not a terminal."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "egov_analysis",
            "build",
            "--reports-file",
            str(reports_file),
            "--processed",
            str(paths.processed),
            "--reports",
            str(paths.reports),
            "--figures",
            str(paths.figures),
            *options,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cli_built(tmp_path_factory) -> tuple[config.Paths, Path, subprocess.CompletedProcess[str]]:
    """Two fast reports built by the command on fresh processed data (so it cleans first)."""
    root = tmp_path_factory.mktemp("faults")
    paths = config.paths(processed=root / "processed", reports=root / "reports", figures=root / "figures")
    reports_file = root / "reports.toml"
    reports_file.write_text(FAST_REPORTS, encoding="utf-8")
    return paths, reports_file, build_cli(paths, reports_file, "-j", "1")  # a second worker: ~3 CPU-s


def test_logs_without_a_terminal_are_one_line_per_report_after_the_cleaning_line(cli_built):
    _, _, result = cli_built
    assert result.returncode == 0, result.stderr
    assert "%|" not in result.stderr and "report/s" not in result.stderr  # no bar redrawn in a log file
    lines = result.stdout.splitlines()
    assert lines[0].startswith("build: cleaned the raw data into ")
    finished = [line.split()[1] for line in lines[1:3]]
    assert sorted(finished) == ["pci_papi", "quality"]
    assert all(re.fullmatch(r"ok {6}\S+ \(\d+\.\d s\)", line) for line in lines[1:3]), lines


@pytest.mark.extended  # three builds (test_build checks that a second build reruns nothing)
def test_a_noop_build_restores_a_deleted_figure_folder(cli_built):
    from egov_analysis.reporting.runner import build

    paths, reports_file, _ = cli_built
    folder = paths.figures / "quality"
    before = sorted(p.name for p in folder.iterdir())
    shutil.rmtree(folder)
    result = build(paths, reports_file, progress=False)
    assert [o.name for o in result.ran] == ["quality"] and result.skipped == ["pci_papi"]
    assert sorted(p.name for p in folder.iterdir()) == before and len(before) >= 3
    (paths.figures / "pci_papi" / "scatter.csv").write_text("edited\n")  # an output changed by hand
    result = build(paths, reports_file, progress=False)
    assert [o.name for o in result.ran] == ["pci_papi"]
    assert build(paths, reports_file, progress=False).ran == []


def test_staging_folders_of_killed_builds_are_swept(cli_built):
    from egov_analysis.reporting.runner import build

    paths, reports_file, _ = cli_built
    left = [
        paths.reports / ".staging" / f"{dead_pid()}-ab12",
        paths.figures / ".staging" / f"{dead_pid()}-ab12",
    ]
    for folder in left:
        (folder / "quality").mkdir(parents=True)
        (folder / "quality" / "half.png").write_bytes(b"\x89PNG")
    build(paths, reports_file, progress=False)
    assert not any(folder.exists() for folder in left)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    "signum",
    [pytest.param(signal.SIGKILL, marks=pytest.mark.extended), signal.SIGTERM],  # one in `make test`
    ids=["SIGKILL", "SIGTERM"],
)
def test_killing_only_the_build_process_ends_its_workers_and_nothing_is_published(
    cli_built, tmp_path, signum
):
    processed = cli_built[0].processed  # already clean
    paths = config.paths(processed=processed, reports=tmp_path / "reports", figures=tmp_path / "figures")
    reports_file = tmp_path / "reports.toml"
    reports_file.write_text(
        FAST_REPORTS + FAST_REPORTS.replace('"quality"', '"q2"').replace('"pci_papi"', '"p2"')
    )
    main = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egov_analysis",
            "build",
            "--quiet",
            "-j",
            "2",
            "--reports-file",
            str(reports_file),
            "--processed",
            str(processed),
            "--reports",
            str(paths.reports),
            "--figures",
            str(paths.figures),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline:  # until both workers run a kernel (forked by their server)
        workers = [w for w in _children(main.pid) if any(_children(s) for s in _children(w))]
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started two kernels"
    kernels = [k for w in workers for k in _descendants(w)]  # kernels, and the servers that fork them
    published = sorted((paths.reports / "notebooks").glob("*.ipynb"))
    main.send_signal(signum)  # only the build process, as a cron timeout or the OOM killer does
    main.wait()
    deadline = time.monotonic() + 60  # a loaded machine may take a while to reap
    while time.monotonic() < deadline and any(map(_alive, workers + kernels)):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the build"
    assert not [pid for pid in kernels if _alive(pid)], "kernels outlived the build"
    time.sleep(1)
    assert sorted((paths.reports / "notebooks").glob("*.ipynb")) == published


# --- faults that stop the build with one line --------------------------------------------------


def _mount_tmpfs(target: Path, options: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("SKIPPED LOUDLY: needs root to mount a small or read-only tmpfs")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"SKIPPED LOUDLY: cannot mount tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def mounts():
    mounted: list[Path] = []
    yield mounted
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("case", "text", "expected"),
    [
        ("malformed", '[[report]\nname = "x"\n', r"^build: cannot read \S+reports\.toml: .*line 1"),
        (
            "date",
            '[[report]]\nname = "d"\nnotebook = "data_quality.ipynb"\nparameters = { lang = 2024-01-31 }\n',
            r"^build: \S+reports\.toml:\d+: report 'd': .*'lang'.*TOML date",
        ),
        (
            "long name",
            f'[[report]]\nname = "{"n" * 250}"\nnotebook = "data_quality.ipynb"\n',
            r"^build: \S+reports\.toml:\d+: name 'n+'… is 250 characters; at most \d+ fit a file name",
        ),
    ],
)
def test_a_bad_reports_file_is_one_line_and_writes_nothing(cli_built, tmp_path, case, text, expected):
    from support import tree_digest

    paths = cli_built[0]
    before = tree_digest(paths.reports), tree_digest(paths.figures)
    bad = tmp_path / "reports.toml"
    bad.write_text(text, encoding="utf-8")
    assert re.match(expected, _one_line(build_cli(paths, bad)))
    assert (tree_digest(paths.reports), tree_digest(paths.figures)) == before


def test_a_read_only_reports_folder_is_one_line(cli_built, tmp_path, mounts):
    reports = tmp_path / "reports"
    _mount_tmpfs(reports, "ro,size=1m")
    mounts.append(reports)
    paths = config.paths(processed=cli_built[0].processed, reports=reports, figures=tmp_path / "figures")
    line = _one_line(build_cli(paths, cli_built[1]))
    assert line == f"build: cannot write {reports / '.build.lock'}: Read-only file system", line
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").rglob("*.png"))


@pytest.mark.extended  # a build into a full tmpfs (a read-only one is in `make test`)
def test_a_full_disk_is_one_line_and_leaves_nothing_half_written(cli_built, tmp_path, mounts):
    reports = tmp_path / "reports"
    _mount_tmpfs(reports, "size=96k")
    mounts.append(reports)
    paths = config.paths(processed=cli_built[0].processed, reports=reports, figures=tmp_path / "figures")
    line = _one_line(build_cli(paths, cli_built[1]))
    expected = r"^build: No space left on device(: | \(writing under )\S+.*; the previous outputs are kept$"
    assert re.match(expected, line), line
    left = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*"))
    assert left == [".build.lock"], left
    assert (
        not any(p.is_file() for p in (tmp_path / "figures").rglob("*"))
        if (tmp_path / "figures").exists()
        else True
    )
