"""`load(name)`: the processed tables for researchers, rebuilt first when missing or stale."""

from __future__ import annotations

import pandas as pd

from . import config
from .clean.publish import raw_fingerprint, read_manifest
from .fields import TABLES

DATASETS = tuple(TABLES)


def is_stale(paths: config.Paths) -> bool:
    """True when the processed tables are missing or were built from other raw data."""
    from .clean.run import raw_inputs

    manifest = read_manifest(paths.processed)
    return manifest is None or manifest.get("raw_fingerprint") != raw_fingerprint(
        raw_inputs(paths.raw), paths.raw
    )


def load(name: str, paths: config.Paths | None = None) -> pd.DataFrame:
    """A processed table as a tidy DataFrame: ``indices``, ``index_conflicts``, ``coverage``,
    ``phases``, ``budget``, ``goals``, ``milestones``, ``programme_conflicts``,
    ``provincial_budget``, ``provincial_budget_unassigned``, ``cpi``.

    Cleans first when the processed files are missing or older than the raw data.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    paths = paths or config.paths()
    if is_stale(paths):
        from .clean.run import clean

        clean(paths)
    path = paths.processed / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{name} was not built: its raw files are not in {paths.raw}")
    return pd.read_parquet(path)
