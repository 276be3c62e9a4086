"""Quảng Ninh's programme: raw facts → phases, budget, goals, milestones and their conflicts.

Two name-mapping tables in ``meta/`` decide what a fact is: ``programme_phases.csv`` (the phase
as a source names it → phase id) and ``programme_items.csv`` (the metric → budget item, count of
projects and tasks beside a budget item, goal or milestone key). Facts whose phase label is not
mapped belong to no phase; the run warns about unmapped labels and unused mapping rows, so a new
source is noticed.

Phases keep one row per stage and source with the period as that source states it; rows of one
comparison group that state different periods are both kept and listed as conflicts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..meta import classify_sources, package_rows
from .numbers import AmbiguousNumberError, NotANumberError, parse
from .problems import Problems
from .read import read_raw_table

BUDGET_RULE = (
    "a total that the same phase's published yearly tranches add up to; otherwise the "
    "source higher in precedence (publisher's file > publisher's site > government site "
    "> press), then the first source URL"
)
GOAL_RULE = (
    "the target set by the phase's governing documents (a fact whose phase label names "
    "them) over a restatement in a later scheme"
)
MILESTONE_RULE = "the larger count, which the smaller one is part of (component projects of a plan)"
PHASE_RULE = (
    "both periods kept: sources name different stages or spans, and each year is labelled with "
    "every stage a source places it in"
)
COUNT_LEVELS = ("n_projects", "n_tasks", "n_projects_or_tasks")


class ProgrammeMappingWarning(UserWarning):
    """A phase label or metric that the mapping tables do not know, or a mapping row never used."""


@dataclass(frozen=True)
class ProgrammeTables:
    phases: pd.DataFrame
    budget: pd.DataFrame
    goals: pd.DataFrame
    milestones: pd.DataFrame
    conflicts: pd.DataFrame


def read_facts(raw_dir: Path, problems: Problems) -> pd.DataFrame:
    facts = read_raw_table(raw_dir, "programme/facts.csv")
    problems.rows(
        facts,
        ~facts["source_url"].str.startswith(("http://", "https://")),
        "source_url",
        "missing_source",
        "every fact needs the URL of its published source",
    )
    return facts


def _warn_mapping(facts: pd.DataFrame, phases: pd.DataFrame, items: pd.DataFrame) -> None:
    labels = set(facts["phase"]) - {""}
    for label in sorted(labels - set(phases["phase_label"])):
        warnings.warn(
            f"phase label not mapped (fact kept without a phase): {label!r}",
            ProgrammeMappingWarning,
            stacklevel=3,
        )
    for label in sorted(set(phases["phase_label"]) - labels):
        warnings.warn(f"phase mapping row never used: {label!r}", ProgrammeMappingWarning, stacklevel=3)
    for metric in sorted(set(items["metric"]) - set(facts["metric"])):
        warnings.warn(f"item mapping row never used: {metric!r}", ProgrammeMappingWarning, stacklevel=3)


def _parse_all(facts: pd.DataFrame) -> pd.DataFrame:
    """Each distinct (value, unit) parsed once; refusals are kept per row, not fatal."""
    parsed: dict[tuple[str, str], dict[str, object]] = {}
    for value, unit in set(zip(facts["value"], facts["unit"], strict=True)):
        if unit == "text":  # a statement in words (a goal, a named application): not a number
            parsed[(value, unit)] = {"kind": "text", "parse_status": "ok", "parse_note": ""}
            continue
        try:
            p = parse(value, unit or None)
            parsed[(value, unit)] = {
                "kind": p.kind,
                "value_num": p.value,
                "qualifier": p.qualifier,
                "amount_vnd": p.amount_vnd,
                "share_pct": p.share_pct,
                "denominator": p.denominator,
                "low": p.low,
                "high": p.high,
                "parse_status": "ok",
                "parse_note": "",
            }
        except (AmbiguousNumberError, NotANumberError) as err:
            parsed[(value, unit)] = {"kind": "refused", "parse_status": "refused", "parse_note": str(err)}
    columns = pd.DataFrame(
        [parsed[(v, u)] for v, u in zip(facts["value"], facts["unit"], strict=True)], index=facts.index
    )
    return pd.concat([facts, columns], axis=1)


def _years(facts: pd.DataFrame) -> pd.DataFrame:
    span = facts["year"].str.extract(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
    start = pd.to_numeric(span[0], errors="coerce").astype("Int64")
    end = pd.to_numeric(span[1], errors="coerce").astype("Int64").fillna(start)
    return facts.assign(year_start=start, year_end=end, year=start.where(start == end))


def _choose(group: pd.DataFrame, rule: str, score: pd.Series) -> tuple[pd.Series, list[dict]]:
    """The row with the lowest ``score`` wins; every other row with another value is a conflict."""
    ordered = group.assign(_score=score.loc[group.index]).sort_values(
        ["_score", "source_precedence", "source_url"], kind="stable"
    )
    chosen = ordered.iloc[0]
    conflicts = [
        {
            "table": "",
            "key": "",
            "chosen_value": chosen["value"],
            "chosen_source_url": chosen["source_url"],
            "other_value": other["value"],
            "other_source_url": other["source_url"],
            "rule": rule,
        }
        for _, other in ordered.iloc[1:].iterrows()
        if other["value"] != chosen["value"]
    ]
    return chosen, conflicts


def build_budget(mapped: pd.DataFrame, problems: Problems) -> tuple[pd.DataFrame, list[dict]]:
    rows = mapped[mapped["table"].eq("budget")]
    problems.rows(
        rows,
        rows["amount_vnd"].isna(),
        "value",
        "not_an_amount",
        "a budget value must parse as an amount in VND",
    )
    tranches = rows[rows["level"].eq("tranche")].groupby("phase_id")["amount_vnd"].sum()
    chosen, conflicts = [], []
    for (phase, item), group in rows.groupby(["phase_id", "item"], sort=True):
        consistent = group["amount_vnd"].eq(tranches.get(phase, -1)) & group["level"].eq("total")
        row, found = _choose(group, BUDGET_RULE, (~consistent).astype(int))
        conflicts += [c | {"table": "budget", "key": f"{phase}/{item}"} for c in found]
        chosen.append(row)
    budget = pd.DataFrame(chosen)
    if budget.empty:
        return budget, conflicts
    # counts of projects and tasks that a source gives beside an amount stay beside it
    counts = mapped[mapped["table"].eq("budget_count")]
    problems.rows(
        counts,
        counts["kind"].ne("number") | ~counts["level"].isin(COUNT_LEVELS),
        "value",
        "not_a_count",
        "a count of projects or tasks must be a plain number with a known level",
    )
    wide = counts.pivot_table(
        index=["phase_id", "item"], columns="level", values="value_num", aggfunc="first"
    )
    budget = budget.merge(
        wide.reindex(columns=list(COUNT_LEVELS)).reset_index(), on=["phase_id", "item"], how="left"
    )
    for level in COUNT_LEVELS:
        budget[level] = budget[level].astype("Int64")
    # an amount is in the prices of the year it covers: a yearly tranche (299 billion VND for 2013)
    # is spent in that year's prices; a total in those of the year it was stated (its first year)
    budget["price_year"] = budget["year_start"]
    return budget, conflicts


def _goal_status(goals: pd.DataFrame) -> pd.Series:
    target, achieved = goals["target"], goals["achieved"]
    status = pd.Series("unknown", index=goals.index, dtype="string")
    known = target.notna() & achieved.notna()
    status[known & (achieved == target)] = "met"
    status[known & (achieved > target)] = "exceeded"
    status[known & (achieved < target)] = "not met"
    return status


def build_goals(mapped: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    rows = mapped[mapped["table"].eq("goal")].copy()
    # "22/22": achieved of target; any other form states a target only
    is_ratio = rows["kind"].eq("ratio")
    rows["target"] = rows["denominator"].where(is_ratio, rows["value_num"]).astype("Float64")
    rows["achieved"] = rows["value_num"].where(is_ratio).astype("Float64")
    governing = rows["note"].eq("")  # restatements carry a note in programme_items.csv
    chosen, conflicts = [], []
    for (phase, item), group in rows.groupby(["phase_id", "item"], sort=True, dropna=False):
        row, found = _choose(group, GOAL_RULE, (~governing.loc[group.index]).astype(int))
        conflicts += [c | {"table": "goals", "key": f"{phase}/{item}"} for c in found]
        chosen.append(row)
    goals = pd.DataFrame(chosen)
    goals["status"] = _goal_status(goals)
    return goals, conflicts


def build_milestones(mapped: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    rows = mapped[
        ~mapped["table"].isin(["budget", "budget_count", "goal"]) & ~mapped["topic"].eq("programme_phase")
    ]
    keyed = rows[rows["item"].ne("")]
    conflicts = []
    for (phase, item), group in keyed.groupby(["phase_id", "item"], sort=True):
        _, found = _choose(group, MILESTONE_RULE, -group["value_num"].astype(float))
        conflicts += [c | {"table": "milestones", "key": f"{phase}/{item}"} for c in found]
    return rows, conflicts


def build_phases(raw_dir: Path, problems: Problems) -> tuple[pd.DataFrame, list[dict]]:
    """One row per stage and source; a comparison group whose rows state different periods gives
    one conflict per pair (first row of the group against each other period), nothing dropped."""
    phases = read_raw_table(raw_dir, "programme/phases.csv")
    for column in ("start_year", "end_year", "known_until"):
        bad = phases[column].ne("") & ~phases[column].str.fullmatch(r"\d{4}")
        problems.rows(phases, bad, column, "not_a_year", "a year must have four digits (or be empty)")
    problems.rows(
        phases, phases["start_year"].eq(""), "start_year", "missing_start", "every stage needs a start year"
    )
    problems.rows(
        phases,
        ~phases["in_programme"].isin(["yes", "no"]),
        "in_programme",
        "not_yes_no",
        "in_programme must be yes or no",
    )
    phases = phases.assign(
        **{
            c: pd.to_numeric(phases[c], errors="coerce").astype("Int64")
            for c in ("start_year", "end_year", "known_until")
        },
        in_programme=phases["in_programme"].eq("yes"),
    )

    def period(row: pd.Series) -> str:
        end = "" if pd.isna(row["end_year"]) else str(row["end_year"])
        return f"{row['start_year']}–{end}" if end != str(row["start_year"]) else str(row["start_year"])

    conflicts = []
    for group, rows in phases.groupby("compare_group", sort=True):
        first = rows.iloc[0]
        for _, other in rows.iloc[1:].iterrows():
            if period(other) != period(first):
                conflicts.append(
                    {
                        "table": "phases",
                        "key": f"{group}: {first['phase_id']} / {other['phase_id']}",
                        "chosen_value": period(first),
                        "chosen_source_url": first["source_url"],
                        "other_value": period(other),
                        "other_source_url": other["source_url"],
                        "rule": PHASE_RULE,
                    }
                )
    return phases.drop(columns=["file", "line"]), conflicts


def build_programme_tables(raw_dir: Path, problems: Problems) -> ProgrammeTables:
    facts = read_facts(raw_dir, problems)
    phase_map, items = (
        pd.DataFrame(package_rows("programme_phases.csv")),
        pd.DataFrame(package_rows("programme_items.csv")),
    )
    _warn_mapping(facts, phase_map, items)
    facts = _years(_parse_all(facts))
    facts = facts.merge(
        phase_map[["phase_label", "phase_id"]].rename(columns={"phase_label": "phase"}),
        on="phase",
        how="left",
        validate="many_to_one",
    )
    facts["phase_id"] = facts["phase_id"].replace("", pd.NA)
    mapped = facts.merge(
        items.drop(columns="phase_id"), on="metric", how="left", suffixes=("", "_map"), validate="many_to_one"
    ).fillna({"table": "", "item": "", "level": "", "basis": "", "note_map": ""})
    item_phase = items.set_index("metric")["phase_id"]
    from_item = mapped["metric"].map(item_phase).replace("", pd.NA)
    mapped["phase_id"] = from_item.fillna(mapped["phase_id"])
    mapped = mapped.rename(columns={"note": "source_note", "note_map": "note"})
    mapped = pd.concat([mapped, classify_sources(mapped["source_url"])], axis=1)

    budget, budget_conflicts = build_budget(mapped, problems)
    goals, goal_conflicts = build_goals(mapped)
    milestones, milestone_conflicts = build_milestones(mapped)
    phases, phase_conflicts = build_phases(raw_dir, problems)
    conflicts = pd.DataFrame(
        phase_conflicts + budget_conflicts + goal_conflicts + milestone_conflicts,
        columns=[
            "table",
            "key",
            "chosen_value",
            "chosen_source_url",
            "other_value",
            "other_source_url",
            "rule",
        ],
    )
    return ProgrammeTables(phases, budget, goals, milestones, conflicts)
