"""Phases of the programme: budgets, goals, milestones, and the province's ranks around each phase."""

from __future__ import annotations

import pandas as pd

from .real import to_real


def budget_items(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Every budget item with its amount nominal and in ``base_year`` VND (derived), in billions."""
    items = budget.copy()
    items["amount_real_vnd"] = to_real(items["amount_vnd"], items["price_year"], base_year, cpi)
    items["amount_bn_vnd"] = items["amount_vnd"] / 1e9
    items["amount_real_bn_vnd"] = items["amount_real_vnd"].astype("Float64") / 1e9
    items["period"] = (
        items["year_start"]
        .astype(str)
        .where(
            items["year_start"].eq(items["year_end"]),
            items["year_start"].astype(str) + "–" + items["year_end"].astype(str),
        )
    )
    return items.sort_values(["year_start", "level", "item"], kind="stable").reset_index(drop=True)


def goal_progress(goals: pd.DataFrame) -> pd.DataFrame:
    """Goals with a target, the achieved value where published, and the share achieved."""
    table = goals[goals["target"].notna()].copy()
    table["achieved_pct"] = (100 * table["achieved"] / table["target"]).round(1)
    return table.sort_values(["phase_id", "goal"], kind="stable").reset_index(drop=True)


def milestone_timeline(milestones: pd.DataFrame, phase_id: str | None = None) -> pd.DataFrame:
    """Dated, numeric milestones (one year each), optionally of one phase, in time order."""
    rows = milestones[
        milestones["year_start"].notna()
        & milestones["year_start"].eq(milestones["year_end"])
        & milestones["value"].notna()
    ]
    if phase_id is not None:
        rows = rows[rows["phase_id"].eq(phase_id)]
    return rows.sort_values(["year_start", "topic", "metric"], kind="stable").reset_index(drop=True)


def label_years_by_phase(years: pd.Series, phases: pd.DataFrame) -> pd.Series:
    """Each year labelled with the phase(s) running then, or 'between phases'."""

    def label(year: int) -> str:
        running = phases[(phases["start_year"] <= year) & (phases["end_year"] >= year)]
        return " + ".join(running["phase_id"]) if not running.empty else "between phases"

    return years.map(label)


def ranks_around_phases(ranks: pd.DataFrame, phases: pd.DataFrame) -> pd.DataFrame:
    """The province's ranks per year with the phase each year falls in."""
    rows = ranks.copy()
    rows["phase"] = label_years_by_phase(rows["year"].astype(int), phases)
    return rows
