"""`load(name)`: the processed tables for researchers, rebuilt first when missing or stale."""

from __future__ import annotations

import pandas as pd

from . import config
from .clean.publish import raw_fingerprint, read_manifest

DATASETS = ("indices", "index_conflicts", "coverage")


def is_stale(paths: config.Paths) -> bool:
    """True when the processed tables are missing or were built from other raw data."""
    from .clean.run import raw_inputs

    manifest = read_manifest(paths.processed)
    return manifest is None or manifest.get("raw_fingerprint") != raw_fingerprint(
        raw_inputs(paths.raw), paths.raw
    )


def load(name: str, paths: config.Paths | None = None) -> pd.DataFrame:
    """A processed table as a tidy DataFrame (``indices``, ``index_conflicts``, ``coverage``).

    Cleans first when the processed files are missing or older than the raw data.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    paths = paths or config.paths()
    if is_stale(paths):
        from .clean.run import clean

        clean(paths)
    return pd.read_parquet(paths.processed / f"{name}.parquet")
