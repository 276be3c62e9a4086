"""The index panel: raw source rows → validated, reconciled, derived tidy tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..fields import COVERAGE, INDEX_CONFLICTS, INDEX_JUMPS, INDICES, Table, schema
from ..meta import classify_sources
from .checks import (
    check_implausible_scores,
    check_score_ranges,
    check_shared_ranks,
    check_shared_ranks_across_sources,
    year_on_year_jumps,
)
from .derive import finish, papi_aggregates
from .problems import Problems
from .read import RawFile, read_source_rows
from .reconcile import known_source_errors, reconcile, rule_ids, with_source_classes
from .validate import KEY, validate


@dataclass(frozen=True)
class IndexTables:
    indices: pd.DataFrame
    conflicts: pd.DataFrame
    coverage: pd.DataFrame
    jumps: pd.DataFrame


def conform(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The table's columns in order and types, a stable sort on its key, checked by its schema
    (a duplicate key raises)."""
    frame = frame[table.columns].astype({f.name: f.dtype for f in table.fields})
    frame = frame.sort_values(list(table.key), kind="stable").reset_index(drop=True)
    return schema(table).validate(frame, lazy=True)


def coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Per index, year, geography and indicator: units with a score, with a rank, held (either),
    the number ranked, and the list's status (the one definition: ``meta.coverage.coverage``)."""
    from ..meta.coverage import coverage as held

    return held(panel, by=["index", "year", "geography", "indicator"])


def build_index_tables(
    raw_dir: Path, problems: Problems, files: list[RawFile] | None = None
) -> IndexTables | None:
    """The three index tables, or None when the raw data have problems (all recorded).
    ``files``: the raw files already found by ``read.check_raw_tree`` (else the tree is walked)."""
    rows = validate(read_source_rows(raw_dir, problems, files), problems)
    if problems:
        return None
    check_shared_ranks(rows, problems)
    rows = with_source_classes(rows).assign(score_basis="published")
    derived = papi_aggregates(rows)
    rows = pd.concat([rows, derived], ignore_index=True) if not derived.empty else rows
    panel, conflicts = reconcile(rows)
    panel = finish(panel).rename(columns={"province_name": "province"})
    panel["source_class"] = classify_sources(panel["source_url"])["source_class"]
    check_score_ranges(panel, problems)
    check_implausible_scores(panel, problems)
    check_shared_ranks_across_sources(panel, problems)
    conflicts = pd.concat([conflicts, known_source_errors(raw_dir, panel, problems)], ignore_index=True)
    conflicts["rule_id"] = rule_ids(conflicts["rule"])
    if problems:
        return None
    return IndexTables(
        indices=conform(panel, INDICES),
        conflicts=conform(conflicts.drop_duplicates([*KEY, "field", "other_source_url"]), INDEX_CONFLICTS),
        coverage=conform(coverage(panel), COVERAGE),
        jumps=conform(year_on_year_jumps(panel), INDEX_JUMPS),
    )
