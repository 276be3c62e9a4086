"""Helpers shared by several test modules."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path


def tree_digest(folder: Path) -> str:
    """A hash of a folder: every path, file content and symlink target ("absent" if missing)."""
    if not folder.exists():
        return "absent"
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        sha.update(str(path.relative_to(folder)).encode())
        if path.is_symlink():
            sha.update(str(path.readlink()).encode())
        elif path.is_file():
            sha.update(path.read_bytes())
    return sha.hexdigest()


def run_clean_cli(raw: Path, processed: Path) -> subprocess.CompletedProcess[str]:
    """`egov-analysis clean --raw RAW --processed PROCESSED` as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "egov_analysis", "clean", "--raw", str(raw), "--processed", str(processed)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def dead_pid() -> int:
    """The id of a process that has ended (for folders named after their owner)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(finished.stdout)
