"""All-or-nothing replacement of the processed outputs.

Outputs are written into a fresh version folder ``.versions/<content hash>/``; then one symbolic
link, ``current``, is switched to it with an atomic rename. Every output name in ``processed/``
is a fixed link ``name -> current/name``, so readers see either the old set or the new set,
never a mix — even if the process is killed half-way. A failed run removes its unfinished
version folder and leaves ``processed/`` as it was.

Publishing holds a lock (``processed/.clean.lock``): two cleans at once would otherwise prune each
other's version folders and leave ``current`` pointing at a deleted one. Under the lock every
other staging folder belongs to a clean that was killed, so it is swept. The version ``current``
pointed to before the switch is kept until the next switch, so a reader that resolved it a moment
earlier can still read it. Folders are created with the process's umask, readable by a web
server's user like every other output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

Writer = Callable[[Path], None]
CURRENT = "current"
VERSIONS = ".versions"
MANIFEST = "manifest.json"
LOCK_FILE = ".clean.lock"
STAGING_PREFIX = ".staging-"


def clean_lock(processed: Path) -> Any:
    """The lock that cleans hold while they publish (re-entrant within a thread; a
    ``filelock.FileLock``). ``load()`` takes it before cleaning, so it waits for a running clean."""
    from filelock import FileLock

    processed.mkdir(parents=True, exist_ok=True)
    return FileLock(str(processed / LOCK_FILE), is_singleton=True)


def _sweep_staging(versions: Path) -> list[Path]:
    """Remove the staging folders of killed cleans (call with the lock held: no live clean has one)."""
    removed = []
    for folder in versions.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def publish(processed: Path, writers: Mapping[str, Writer], manifest: Mapping[str, object]) -> Path:
    """Write every output with its writer, then switch them all in at once. Returns the version.

    Holds :func:`clean_lock` throughout; raises what a writer raises (then nothing changed)."""
    with clean_lock(processed):
        return _publish_locked(processed, writers, manifest)


def _publish_locked(processed: Path, writers: Mapping[str, Writer], manifest: Mapping[str, object]) -> Path:
    versions = processed / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    _sweep_staging(versions)
    # mkdir applies the umask (mkdtemp would make it 0700, unreadable to a web server's user)
    staging = versions / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
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
    previous = os.readlink(processed / CURRENT) if (processed / CURRENT).is_symlink() else ""
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
    keep = {target.name, Path(previous).name}  # a reader may have resolved the previous one
    for old in versions.iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return target


def read_manifest(processed: Path) -> dict[str, object] | None:
    """The manifest of the current outputs, or None where there are none."""
    try:
        manifest = json.loads((processed / CURRENT / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return manifest if isinstance(manifest, dict) else None  # anything else: no usable manifest


# what decides the processed tables besides the raw files: the cleaning code, the domain tables,
# the field registry, the province registry (not the message catalogue, not the reports)
CLEANING_CODE = ("clean", "meta", "provinces", "fields.py", "prices.py", "csv_safe.py")


@cache
def code_fingerprint() -> str:
    """A hash of the files in :data:`CLEANING_CODE`: processed tables built by other cleaning
    code (a new column, a changed rule) are stale, as those built from other raw data are.
    Computed once per process."""
    package = Path(__file__).resolve().parents[1]
    sha = hashlib.sha256()
    for part in CLEANING_CODE:
        files = [package / part] if (package / part).is_file() else sorted((package / part).rglob("*"))
        for path in files:
            inside = path.relative_to(package).parts  # not the checkout's own folders
            if path.is_file() and "__pycache__" not in inside and "messages" not in inside:
                sha.update(path.relative_to(package).as_posix().encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()


def raw_fingerprint(files: list[Path], root: Path) -> str:
    """A hash of the raw files' names and contents: the outputs are stale when it changes.

    Contents are read every time (about 25 ms for the project's 8.5 MB of raw files): an edit
    that keeps a file's size and modification time — or lands within the file system's timestamp
    granularity — must still be seen by a long-lived kernel.
    """
    sha = hashlib.sha256()
    for path in sorted(files):
        sha.update(path.relative_to(root).as_posix().encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()
