"""Faults the cleaning and the build must survive (issue 13): concurrent cleans, killed builds,
deleted outputs, left-over staging folders, unreadable versions, full or read-only disks, bad
reports files, and raw edits that keep a file's size and time."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
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
import sys
from egov_analysis import config
from egov_analysis.clean.publish import clean_lock
from egov_analysis.clean.run import clean
paths = config.paths(processed=sys.argv[1])
with clean_lock(paths.processed):
    print("locked", flush=True)
    clean(paths)
"""


def test_load_waits_for_a_running_clean_and_does_not_clean_again(tmp_path, monkeypatch):
    from egov_analysis import datasets
    from egov_analysis.clean import run

    paths = config.paths(processed=tmp_path / "processed")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(paths.processed)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    def no_second_clean(_paths: config.Paths) -> Path:
        raise AssertionError("load() cleaned while another clean held the lock")

    monkeypatch.setattr(run, "clean", no_second_clean)
    coverage = datasets.load("coverage", paths)  # waits for the holder's clean, then reads it
    assert holder.wait(timeout=120) == 0
    assert len(coverage) > 50 and {"index", "year", "n_score"} <= set(coverage.columns)


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
