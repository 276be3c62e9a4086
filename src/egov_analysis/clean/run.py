"""`egov-analysis clean`: rebuild every processed table from data/raw, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import __version__
from ..config import Paths
from ..csv_safe import write_csv
from .indices_pipeline import build_index_tables
from .problems import Problems
from .programme_pipeline import INPUTS as PROGRAMME_INPUTS
from .programme_pipeline import build_programme_outputs
from .publish import publish, raw_fingerprint
from .read import source_files
from .reconcile import KNOWN_ERRORS_FILE


def _table_writers(name: str, frame: pd.DataFrame) -> dict[str, object]:
    return {
        f"{name}.parquet": lambda path: frame.to_parquet(path, index=False),
        f"{name}.csv": lambda path: write_csv(frame, path),
    }


def raw_inputs(raw_dir: Path) -> list[Path]:
    """Every raw file the cleaning reads (its fingerprint decides whether outputs are stale)."""
    others = [*PROGRAMME_INPUTS, KNOWN_ERRORS_FILE]
    return source_files(raw_dir) + [raw_dir / name for name in others if (raw_dir / name).exists()]


def clean(paths: Paths) -> Path:
    """Validate and clean all raw data and publish the processed tables.

    Raises :class:`~egov_analysis.clean.problems.ValidationError` listing every problem; then
    ``paths.processed`` is left exactly as it was.
    """
    problems = Problems()
    tables = build_index_tables(paths.raw, problems)
    programme = build_programme_outputs(paths.raw, problems)
    problems.raise_if_any()
    assert tables is not None and programme is not None
    frames = {
        "indices": tables.indices,
        "index_conflicts": tables.conflicts,
        "coverage": tables.coverage,
        "index_jumps": tables.jumps,
        **programme,
    }
    writers = {
        name: writer
        for table, frame in frames.items()
        for name, writer in _table_writers(table, frame).items()
    }
    manifest = {
        "raw_fingerprint": raw_fingerprint(raw_inputs(paths.raw), paths.raw),
        "egov_analysis_version": __version__,
        "rows": {
            "indices": len(tables.indices),
            "index_conflicts": len(tables.conflicts),
            "coverage": len(tables.coverage),
            "index_jumps": len(tables.jumps),
        },
    }
    return publish(paths.processed, writers, manifest)
