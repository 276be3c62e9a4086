"""All-or-nothing replacement of the processed outputs.

Outputs are written into a fresh version folder ``.versions/<content hash>/``; then one symbolic
link, ``current``, is switched to it with an atomic rename. Every output name in ``processed/``
is a fixed link ``name -> current/name``, so readers see either the old set or the new set,
never a mix — even if the process is killed half-way. A failed run removes its unfinished
version folder and leaves ``processed/`` as it was.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

Writer = Callable[[Path], None]
CURRENT = "current"
VERSIONS = ".versions"
MANIFEST = "manifest.json"


def _digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def publish(processed: Path, writers: Mapping[str, Writer], manifest: dict[str, object]) -> Path:
    """Write every output with its writer, then switch them all in at once. Returns the version."""
    versions = processed / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    try:
        for name, write in writers.items():
            write(staging / name)
        (staging / MANIFEST).write_text(
            json.dumps({**manifest, "outputs": sorted(writers)}, indent=2, sort_keys=True) + "\n", "utf-8"
        )
        for path in staging.iterdir():
            with path.open("rb") as f:
                os.fsync(f.fileno())
        target = versions / _digest(staging)
        if target.exists():
            shutil.rmtree(staging)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = processed / f".{CURRENT}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(VERSIONS) / target.name)
    os.replace(link, processed / CURRENT)  # the one atomic switch
    for name in [*writers, MANIFEST]:
        fixed = processed / name
        if not fixed.is_symlink():
            fixed.unlink(missing_ok=True)
            fixed.symlink_to(Path(CURRENT) / name)
    for link in processed.iterdir():  # outputs the new version no longer has
        if link.is_symlink() and link.name != CURRENT and not link.exists():
            link.unlink()
    for old in versions.iterdir():
        if old.name != target.name and not old.name.startswith(".staging-"):
            shutil.rmtree(old, ignore_errors=True)
    return target


def read_manifest(processed: Path) -> dict[str, object] | None:
    """The manifest of the current outputs, or None where there are none."""
    try:
        return json.loads((processed / CURRENT / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def raw_fingerprint(files: list[Path], root: Path) -> str:
    """A hash of the raw files' names and contents: the outputs are stale when it changes.

    Files are read again only when their size or modification time changed, so the many
    ``load()`` calls of a notebook do not re-read the raw data each time.
    """
    signature = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(files))
    return _fingerprint(signature, str(root))


@functools.lru_cache(maxsize=8)
def _fingerprint(signature: tuple[tuple[str, int, int], ...], root: str) -> str:
    sha = hashlib.sha256()
    for name, _size, _mtime in signature:
        path = Path(name)
        sha.update(path.relative_to(root).as_posix().encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()
