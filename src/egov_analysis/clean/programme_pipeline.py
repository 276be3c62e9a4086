"""The programme, budget and CPI tables in their published shape (columns from the field registry)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import fields
from ..meta import classify_sources
from ..prices import price_level
from .budget import build_cpi, build_provincial_budget
from .indices_pipeline import conform
from .problems import Problems
from .programme import build_programme_tables


def _blank_to_na(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].replace("", pd.NA) for c in columns if c in frame})


INPUTS = (
    "programme/facts.csv",
    "programme/phases.csv",
    "budget/provincial_budget_plan.csv",
    "budget/provincial_budget_final.csv",
    "cpi/cpi_annual.csv",
)


def build_programme_outputs(raw_dir: Path, problems: Problems) -> dict[str, pd.DataFrame] | None:
    """Every programme table, or None when the raw data have problems (all recorded).

    A raw folder without any programme file (an index-only checkout, a test) gives no programme
    tables; one with only some of them is a problem.
    """
    present = [name for name in INPUTS if (raw_dir / name).is_file()]
    if not present:
        return {}
    for name in sorted(set(INPUTS) - set(present)):
        problems.file(name, "missing_file", "this programme file is missing (the others exist)")
    if problems:
        return None
    tables = build_programme_tables(raw_dir, problems)
    budget, unassigned = build_provincial_budget(raw_dir, problems)
    cpi, cpi_conflicts = build_cpi(raw_dir, problems)
    if problems:
        return None

    common = {"value": "value_as_printed"}
    phases = tables.phases
    programme_budget = tables.budget.rename(columns=common)
    goals = tables.goals.rename(columns={**common, "item": "goal"})
    milestones = tables.milestones.rename(columns={**common, "value_num": "value", "line": "fact_line"})
    milestones = milestones.assign(parse_note=milestones["parse_note"].fillna(""))
    provincial = budget.rename(
        columns={"value": "value_as_printed", "province": "province_printed", "province_name": "province"}
    )
    unassigned = unassigned.rename(columns={"value": "value_as_printed"})
    cpi = cpi.assign(price_level=cpi["year"].map(price_level(cpi)))
    conflicts = pd.concat([tables.conflicts, pd.DataFrame(cpi_conflicts)], ignore_index=True)

    shaped = {
        "phases": phases,
        "budget": programme_budget,
        "goals": goals,
        "milestones": milestones,
        "programme_conflicts": conflicts,
        "provincial_budget": provincial,
        "provincial_budget_unassigned": unassigned,
        "cpi": cpi,
    }
    text = [
        "qualifier",
        "phase_id",
        "legal_basis",
        "legal_basis_source_url",
        "source_title",
        "source_date",
        "quote_vi",
        "note",
        "unit",
        "flag",
        "parse_note",
    ]
    shaped = {name: with_source_class(frame) for name, frame in shaped.items()}
    return {name: conform(_blank_to_na(frame, text), fields.TABLES[name]) for name, frame in shaped.items()}


def with_source_class(frame: pd.DataFrame) -> pd.DataFrame:
    """``source_class`` beside ``source_url`` (and ``chosen_``/``other_source_class`` beside a
    conflict's two URLs), from ``meta/source_classes.csv``."""
    out = frame.copy()
    for url in ("source_url", "chosen_source_url", "other_source_url"):
        if url in out.columns:
            out[url.replace("_url", "_class")] = classify_sources(out[url].astype("string"))["source_class"]
    return out
