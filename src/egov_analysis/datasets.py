"""`load(name)`: the processed tables for researchers, rebuilt first when missing or stale."""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd

from . import config
from .clean.publish import clean_lock, code_fingerprint, raw_fingerprint, read_manifest
from .fields import TABLES

DATASETS = tuple(TABLES)


def is_stale(paths: config.Paths) -> bool:
    """True when the processed tables are missing, or were built from other raw data or by other
    cleaning code (``clean.publish.code_fingerprint``: a new column must not be missing from
    tables an older version wrote)."""
    from .clean.run import raw_inputs

    manifest = read_manifest(paths.processed)
    return (
        manifest is None
        or manifest.get("code_fingerprint") != code_fingerprint()
        or manifest.get("raw_fingerprint") != raw_fingerprint(raw_inputs(paths.raw), paths.raw)
    )


def ensure_fresh(paths: config.Paths) -> bool:
    """Clean when the processed tables are missing or stale; True if this call cleaned.

    A clean running elsewhere holds the clean lock: wait for it, then look again, so that its
    result is read rather than rebuilt a second time.
    """
    if not is_stale(paths):
        return False
    with clean_lock(paths.processed):
        if not is_stale(paths):
            return False
        from .clean.run import clean

        clean(paths)
        return True


def load(name: str, paths: config.Paths | None = None) -> pd.DataFrame:
    """A processed table as a tidy DataFrame: ``indices``, ``index_conflicts``, ``coverage``,
    ``phases``, ``budget``, ``goals``, ``milestones``, ``programme_conflicts``,
    ``provincial_budget``, ``provincial_budget_unassigned``, ``cpi``, ``outlines`` (columns:
    ``docs/data_dictionary.md``).

    Cleans first when the processed files are missing or were built from other raw data (their
    contents are compared); waits for a clean that is running. Raises ``KeyError`` for an unknown
    name, ``FileNotFoundError`` when the table's raw files are absent, and the cleaning's
    ``ValidationError`` when the raw data have problems.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    paths = paths or config.paths()
    ensure_fresh(paths)
    _note_read(name)
    path = paths.processed / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{name} was not built: its raw files are not in {paths.raw}")
    return pd.read_parquet(path)


def _note_read(name: str) -> None:
    """In a report's kernel, tell the build which table it read (its cache key covers only those)."""
    target = os.environ.get(config.READS_VARIABLE)
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(name + "\n")


def outline_features(geography: str, paths: config.Paths | None = None) -> list[dict[str, Any]]:
    """The map outlines of ``geography`` (``provinces_63`` or ``units_34``) as GeoJSON features
    (``properties``: code, name, source_url, note), read from the processed ``outlines`` table
    through :func:`load`; raises KeyError for a geography without outlines."""
    outlines = load("outlines", paths)
    rows = outlines[outlines["geography"].eq(geography)]
    if rows.empty:
        known = ", ".join(sorted(outlines["geography"].unique()))
        raise KeyError(f"no outlines for geography {geography!r}; there are outlines for {known}")
    return [
        {
            "type": "Feature",
            "properties": {
                "code": r.province_code,
                "name": r.name,
                "source_url": r.source_url,
                "note": r.note if isinstance(r.note, str) else "",
            },
            "geometry": json.loads(str(r.geometry)),
        }
        for r in rows.itertuples(index=False)
    ]
