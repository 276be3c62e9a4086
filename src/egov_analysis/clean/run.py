"""`egov-analysis clean`: rebuild every processed table from data/raw, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import __version__
from ..config import Paths, has_raw
from ..csv_safe import write_csv
from ..fields import LOST_VALUES, OUTLINES
from .indices_pipeline import build_index_tables, conform
from .outlines import read_outlines
from .problems import Problems
from .programme_pipeline import INPUTS as PROGRAMME_INPUTS
from .programme_pipeline import build_programme_outputs
from .publish import Writer, code_fingerprint, publish, raw_fingerprint
from .read import check_raw_tree, raw_inputs

__all__ = ["DataLossError", "NoRawDataError", "clean", "raw_inputs"]
EDITION = ["index", "year", "geography"]


class DataLossError(ValueError):
    """The run would publish fewer index-years than the current outputs (a raw file deleted by
    mistake?); ``lost`` lists them. ``clean(..., allow_loss=True)`` publishes anyway."""

    def __init__(self, lost: pd.DataFrame) -> None:
        self.lost = lost
        listing = "\n".join(f"  {r.index} {r.year} ({r.geography})" for r in lost.itertuples(index=False))
        super().__init__(
            f"this run would drop {len(lost)} index-year(s) that the current outputs have:\n{listing}\n"
            "restore the raw files, or run `egov-analysis clean --allow-loss` if the loss is intended"
        )


class NoRawDataError(FileNotFoundError):
    """The raw folder is missing or holds no file: cleaning it would publish empty tables."""

    def __init__(self, raw: Path) -> None:
        state = "does not exist" if not raw.exists() else "holds no raw file"
        super().__init__(
            f"the raw folder {raw} {state}; point EGOV_RAW_DIR (or --raw) at a data/raw folder, "
            "or run from a checkout of the project"
        )


def _table_writers(name: str, frame: pd.DataFrame) -> dict[str, Writer]:
    return {
        f"{name}.parquet": lambda path: frame.to_parquet(path, index=False),
        f"{name}.csv": lambda path: write_csv(frame, path),
    }


def lost_values(raw: Path) -> pd.DataFrame:
    """Every ``errata/left_out_*.csv`` of the raw data (values left out for a refused source)."""
    from .read import read_raw_table

    parts = [
        read_raw_table(raw, f"errata/{path.name}") for path in sorted((raw / "errata").glob("left_out_*.csv"))
    ]
    columns = [f.name for f in LOST_VALUES.fields]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    # a file without the optional quote column has none: an empty text, not a missing one
    return pd.concat(parts, ignore_index=True).reindex(columns=columns).fillna("").drop_duplicates()


def lost_editions(processed: Path, coverage: pd.DataFrame) -> pd.DataFrame:
    """The index-years (with geography) of the current ``coverage`` output missing from ``coverage``."""
    current = processed / "coverage.parquet"
    if not current.exists():
        return pd.DataFrame(columns=EDITION)
    before = pd.read_parquet(current, columns=EDITION).drop_duplicates()
    after = coverage[EDITION].drop_duplicates().astype(before.dtypes.to_dict())
    lost = before.merge(after, how="left", on=EDITION, indicator=True)
    return lost.loc[lost["_merge"].eq("left_only"), EDITION].sort_values(EDITION).reset_index(drop=True)


def clean(paths: Paths, allow_loss: bool = False) -> Path:
    """Validate and clean all raw data and publish the processed tables.

    Raises :class:`~egov_analysis.clean.problems.ValidationError` listing every problem, and
    :class:`DataLossError` when index-years would disappear (unless ``allow_loss``); then
    ``paths.processed`` is left exactly as it was; :class:`NoRawDataError` when ``paths.raw`` is
    missing or empty (nothing is written).
    """
    if not has_raw(paths.raw):
        raise NoRawDataError(paths.raw)
    problems = Problems()
    files = check_raw_tree(paths.raw, problems)
    tables = build_index_tables(paths.raw, problems, files)
    outlines = read_outlines(files, problems)
    programme_files = {f"{name}" for name in PROGRAMME_INPUTS}
    programme = None
    if not problems.files() & programme_files:  # the programme builders need readable files
        programme = build_programme_outputs(paths.raw, problems)
    problems.raise_if_any()
    assert tables is not None and programme is not None
    if not allow_loss:
        lost = lost_editions(paths.processed, tables.coverage)
        if not lost.empty:
            raise DataLossError(lost)
    frames = {
        "indices": tables.indices,
        "index_conflicts": tables.conflicts,
        "coverage": tables.coverage,
        "index_jumps": tables.jumps,
        **programme,
    }
    if outlines is not None:
        frames["outlines"] = conform(outlines, OUTLINES)
    frames["lost_values"] = conform(lost_values(paths.raw), LOST_VALUES)
    writers = {
        name: writer
        for table, frame in frames.items()
        for name, writer in _table_writers(table, frame).items()
    }
    manifest: dict[str, object] = {
        "raw_fingerprint": raw_fingerprint(raw_inputs(paths.raw), paths.raw),
        "code_fingerprint": code_fingerprint(),
        "egov_analysis_version": __version__,
        "rows": {
            "indices": len(tables.indices),
            "index_conflicts": len(tables.conflicts),
            "coverage": len(tables.coverage),
            "index_jumps": len(tables.jumps),
        },
    }
    return publish(paths.processed, writers, manifest)
