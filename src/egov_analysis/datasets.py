"""The processed tables for researchers: ``load(name)`` (rebuilt first when missing or stale) and
``datasets()``, what there is to load.

``egov_analysis.datasets`` is also callable: ``ea.datasets()`` lists the tables.
"""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path
from typing import Any

import pandas as pd

from . import config
from .clean.publish import clean_lock, code_fingerprint, raw_fingerprint, read_manifest
from .fields import TABLES

DATASETS = tuple(TABLES)


DATA_URL_VARIABLE = "EGOV_DATA_URL"  # the data download (a .zip: URL or path) to read when there is no data


def cache_folder() -> Path:
    """Where downloads named by EGOV_DATA_URL are kept: ``$XDG_CACHE_HOME/egov-analysis``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "egov-analysis"


def fetch_download(source: str, cache: Path | None = None) -> Path:
    """The folder of the data download at ``source`` (an http(s) URL or a path of the ``.zip``),
    fetched and unzipped once into :func:`cache_folder`; raises ``ValueError`` in one line when it
    is no data download (no ``datapackage.json``)."""
    import hashlib
    import io
    import shutil
    import tempfile
    import zipfile
    from urllib.parse import urlparse
    from urllib.request import urlopen

    cache = cache or cache_folder()
    folder = cache / hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    if (folder / "datapackage.json").is_file():
        return folder
    if urlparse(source).scheme in ("http", "https"):
        with urlopen(source, timeout=60) as response:  # http(s) only: the scheme is checked
            data = response.read()
    else:
        data = Path(source).expanduser().read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".download-"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "datapackage.json" not in archive.namelist():
                raise ValueError(
                    f"{source} is not the egov-analysis data download: it has no datapackage.json"
                )
            archive.extractall(staging)  # zipfile keeps every member inside the folder
        if folder.exists() and not (folder / "datapackage.json").is_file():
            shutil.rmtree(folder)  # a half-written folder of a killed fetch
        try:
            staging.replace(folder)
        except OSError:  # another process unzipped it first
            if not (folder / "datapackage.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


class DataNotFoundError(FileNotFoundError):
    """Neither processed tables nor raw data where the paths point (an installed package without
    shipped data, or a wrong EGOV_PROCESSED_DIR); the message is one line saying how to fix it."""

    def __init__(self, name: str, paths: config.Paths) -> None:
        super().__init__(
            f"no processed table {name!r} in {paths.processed} and no raw data in {paths.raw}: set "
            "EGOV_PROCESSED_DIR to a folder of processed tables (a checkout's data/processed or the "
            "unzipped data download), EGOV_DATA_URL to the data download (URL or path of the .zip), "
            "or EGOV_RAW_DIR to a data/raw folder, or install a checkout with `pip install -e .`"
        )


def datasets() -> pd.DataFrame:
    """What :func:`load` can give, one row per table: ``dataset`` (the name to load),
    ``description`` (its first sentence) and ``key`` (the columns that identify a row). Reads no data."""
    rows = [
        {
            "dataset": t.name,
            "description": t.description.split(". ")[0].rstrip(".") + ".",
            "key": ", ".join(t.key),
        }
        for t in TABLES.values()
    ]
    return pd.DataFrame(rows, dtype="string")


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


def _read_csv(name: str, path: Path) -> pd.DataFrame:
    """A processed table from its CSV (the data download), typed by the field registry."""
    dtypes = {f.name: f.dtype for f in TABLES[name].fields}
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])


def load(name: str, paths: config.Paths | None = None) -> pd.DataFrame:
    """A processed table as a tidy DataFrame: ``indices``, ``index_conflicts``, ``coverage``,
    ``phases``, ``budget``, ``goals``, ``milestones``, ``programme_conflicts``,
    ``provincial_budget``, ``provincial_budget_unassigned``, ``cpi``, ``outlines`` (one line each:
    :func:`datasets`; columns: ``docs/data_dictionary.md``).

    With raw data (a checkout, or EGOV_RAW_DIR), cleans first when the processed files are missing
    or were built from other raw data (their contents are compared) and waits for a clean that is
    running. Without raw data, reads the processed tables as they are: EGOV_PROCESSED_DIR, or those
    shipped inside the package (a Parquet file, else the CSV of the data download), else the data
    download EGOV_DATA_URL names (fetched once, :func:`fetch_download`). Raises
    ``KeyError`` for an unknown name, :class:`DataNotFoundError` (one line naming the fix) when
    there is neither, ``FileNotFoundError`` when the table's raw files are absent, and the
    cleaning's ``ValidationError`` when the raw data have problems.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    paths = paths or config.paths()
    raw = config.has_raw(paths.raw)
    if raw:
        ensure_fresh(paths)
    _note_read(name)
    path = paths.processed / f"{name}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    if not raw and (paths.processed / f"{name}.csv").exists():
        return _read_csv(name, paths.processed / f"{name}.csv")
    if not raw and os.environ.get(DATA_URL_VARIABLE):
        folder = fetch_download(os.environ[DATA_URL_VARIABLE])
        if (folder / f"{name}.csv").exists():
            return _read_csv(name, folder / f"{name}.csv")
    if not raw:
        raise DataNotFoundError(name, paths)
    raise FileNotFoundError(f"{name} was not built: its raw files are not in {paths.raw}")


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


class _CallableModule(types.ModuleType):
    def __call__(self) -> pd.DataFrame:
        return datasets()


# `ea.datasets` is this module once it is imported (Python sets a package's attribute to its
# submodule), so the module itself answers `ea.datasets()`.
sys.modules[__name__].__class__ = _CallableModule
