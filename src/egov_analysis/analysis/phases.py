"""The programme's stages as the sources give them, its budgets, goals and facts, and the province's
outcomes on every index before, during and after each stage.

Stages overlap and a stage may be stated differently by two sources (both rows are kept in the
``phases`` table). A year is *before* the programme when it precedes the first programme stage,
*after* when it follows the last known year of every programme stage, and otherwise *during*,
with the stages running then; "between stages" is possible only inside the programme's span.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..csv_safe import write_csv
from ..formatting import (
    date_text,  # re-exported: notebooks call ph.date_text
    year_span,
)
from ..formatting import number as number_text  # re-exported: notebooks call ph.number_text
from ..meta import indices as index_registry
from ..meta import package_rows
from ..provinces import provinces
from ..tables import Column
from .rankings import list_completeness, list_units
from .real import to_real

PERIODS = ("before", "during", "between", "after")


def stage_spans(phases: pd.DataFrame) -> pd.DataFrame:
    """One row per stage: the years some source places it in.

    Columns: ``phase_id``, ``kind``, ``in_programme``, ``name_en``, ``name_vi``, ``first_year``
    (earliest stated start), ``last_year`` (latest stated end; for a stage whose end no source
    states, the year of the latest source that speaks of it as under way, else its start),
    ``open_end`` (no source states an end), ``n_sources``, ``periods_stated`` ("2015–; 2017–2020"),
    and ``start_year`` / ``end_year`` (= first / last year: the span a chart draws).
    """
    rows = phases.copy()
    end = rows["end_year"].astype("Int64")
    rows["_last"] = end.fillna(rows["known_until"].astype("Int64")).fillna(rows["start_year"].astype("Int64"))
    rows["_stated"] = rows["start_year"].astype(str) + "–" + end.astype(str).where(end.notna(), "")
    spans = rows.groupby("phase_id", sort=False).agg(
        kind=("kind", "first"),
        in_programme=("in_programme", "first"),
        name_en=("name_en", "first"),
        name_vi=("name_vi", "first"),
        first_year=("start_year", "min"),
        last_year=("_last", "max"),
        open_end=("end_year", lambda s: bool(s.isna().all())),
        n_sources=("source_url", "nunique"),
        periods_stated=("_stated", lambda s: "; ".join(dict.fromkeys(s))),
    )
    spans = spans.reset_index().astype({"first_year": "Int64", "last_year": "Int64"})
    # the span to draw: the chart functions take start_year and end_year
    spans["start_year"], spans["end_year"] = spans["first_year"], spans["last_year"]
    return spans.sort_values(["first_year", "last_year", "phase_id"], kind="stable").reset_index(drop=True)


def with_short_names(spans: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``spans`` with ``name_<lang>`` replaced by the stage's short name from the catalogue
    (``programme.stage_short.<phase_id>``) where it has one: labels that fit on a chart."""
    from ..meta.messages import catalogue

    names = catalogue(lang)
    column = f"name_{lang}" if f"name_{lang}" in spans else "name_en"
    short = spans["phase_id"].map(lambda p: names.get(f"programme.stage_short.{p}"))
    return spans.assign(**{column: short.fillna(spans[column])})


def label_years(years: pd.Series | list[int], phases: pd.DataFrame) -> pd.DataFrame:
    """Each year with its place in the programme.

    Columns: ``year``; ``period`` — ``before`` (before the first programme stage), ``during``,
    ``between`` (inside the programme's span with no stage running) or ``after`` (after the last
    known year of every programme stage); ``stages`` — the programme stages running that year,
    joined by " + "; ``other_plans`` — plans outside the programme running that year (the
    2011–2015 IT plan, a draft scheme).
    """
    spans = stage_spans(phases)
    programme = spans[spans["in_programme"]]
    first, last = int(programme["first_year"].min()), int(programme["last_year"].max())

    def running(year: int, frame: pd.DataFrame) -> str:
        on = frame[(frame["first_year"] <= year) & (frame["last_year"] >= year)]
        return " + ".join(on["phase_id"])

    out = []
    for year in pd.Series(list(years)).astype(int):
        stages = running(year, programme)
        if year < first:
            period = "before"
        elif year > last:
            period = "after"
        else:
            period = "during" if stages else "between"
        out.append(
            {
                "year": year,
                "period": period,
                "stages": stages,
                "other_plans": running(year, spans[~spans["in_programme"]]),
            }
        )
    return pd.DataFrame(out, columns=["year", "period", "stages", "other_plans"])


def years_text(labels: pd.DataFrame, phases: pd.DataFrame, lang: str) -> str:
    """How the years of ``labels`` (:func:`label_years`) are placed, in ``lang``: the first stage's
    year from ``phases``, and the plans beside the programme named only where ``labels`` shows one
    (a plan the data do not hold, or that runs in no year shown, is not announced)."""
    from ..meta.messages import text

    spans = stage_spans(phases)
    first = int(spans.loc[spans["in_programme"], "first_year"].min())
    sentence = text("programme.text.years", lang, first=first)
    shown = [p for value in labels["other_plans"] for p in str(value).split(" + ") if p]
    if shown:
        plans = ", ".join(stage_names(p, lang) for p in dict.fromkeys(shown))
        sentence += " " + text("programme.text.years_beside", lang, plans=plans)
    return sentence


def budget_items(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Every budget item as stated, with the counts of projects and tasks beside it, nominal and
    in ``base_year`` VND (``real_basis`` = derived), in VND and billions.

    ``period`` is the period the source gives (a total stays one amount for its period: no
    per-year amount is derived from a total). ``real_method``: a total's real amount is the sum of
    its yearly tranches each in its own year's prices where the source gives them
    (``yearly_tranches``), else the total moved from one year (``one_year``; see
    :func:`egov_analysis.analysis.real.real_amounts`)."""
    from .real import real_amounts

    items = real_amounts(budget, cpi, base_year)
    items["amount_bn_vnd"] = items["amount_vnd"].astype("Float64") / 1e9
    items["amount_real_bn_vnd"] = items["amount_real_vnd"].astype("Float64") / 1e9
    items["base_year"] = base_year
    items["real_basis"] = "derived"
    single = items["year_start"].eq(items["year_end"])
    items["period"] = (
        items["year_start"]
        .astype(str)
        .where(single, items["year_start"].astype(str) + "–" + items["year_end"].astype(str))
    )
    return items.sort_values(["year_start", "level", "item"], kind="stable").reset_index(drop=True)


def budget_by_year(budget: pd.DataFrame, cpi: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Amounts per year, only where a source gives the year an amount covers (the yearly
    tranches of 2012–2014). A total stated for several years, or approved in a year for projects
    that run longer (330.9 billion VND in 2017, 86 billion VND for 2018–2020), is not spread.

    Columns: ``phase_id``, ``item``, ``year``, ``basis``, ``amount_vnd``, ``amount_real_vnd``
    (derived), ``base_year``, ``real_basis``, ``source_url``."""
    yearly = budget[budget["level"].eq("tranche") & budget["year_start"].eq(budget["year_end"])].copy()
    yearly["year"] = yearly["year_start"].astype("Int64")
    yearly["amount_real_vnd"] = to_real(yearly["amount_vnd"], yearly["price_year"], base_year, cpi)
    yearly["base_year"] = base_year
    yearly["real_basis"] = "derived"
    columns = ["phase_id", "item", "year", "basis", "amount_vnd", "amount_real_vnd", "base_year"]
    return yearly[[*columns, "real_basis", "source_url"]].sort_values("year").reset_index(drop=True)


def goal_progress(goals: pd.DataFrame) -> pd.DataFrame:
    """Goals with a target, the achieved value where published, and the share achieved, each with
    the stage and the years the source attaches it to (22/22 by the end of 2017)."""
    table = goals[goals["target"].notna()].copy()
    table["achieved_pct"] = (100 * table["achieved"] / table["target"]).round(1)
    return table.sort_values(["year_end", "phase_id", "goal"], kind="stable").reset_index(drop=True)


def milestone_timeline(milestones: pd.DataFrame, phase_id: str | None = None) -> pd.DataFrame:
    """Dated, numeric milestones (one year each), optionally of one stage, in time order."""
    rows = milestones[
        milestones["year_start"].notna()
        & milestones["year_start"].eq(milestones["year_end"])
        & milestones["value"].notna()
    ]
    if phase_id is not None:
        rows = rows[rows["phase_id"].eq(phase_id)]
    return rows.sort_values(["year_start", "topic", "metric"], kind="stable").reset_index(drop=True)


FACT_COLUMNS = [
    "table",
    "topic",
    "phase_id",
    "year_start",
    "year_end",
    "metric",
    "value_as_printed",
    "unit",
    "n_projects",
    "n_tasks",
    "n_projects_or_tasks",
    "quote_vi",
    "source_url",
    "source_title",
    "source_date",
]


def source_facts(
    source_title: str,
    phases: pd.DataFrame,
    budget: pd.DataFrame,
    goals: pd.DataFrame,
    milestones: pd.DataFrame,
) -> pd.DataFrame:
    """Every fact the programme tables hold from one article (by its title), one row each, with
    the table it is in: stages, budgets (with the counts of projects and tasks their source gives:
    :func:`fact_values` writes them in words), goals and every other fact. Columns:
    ``FACT_COLUMNS``."""
    stage_rows = phases[phases["source_title"].eq(source_title)].assign(
        table="phases",
        topic="programme_phase",
        year_start=phases["start_year"],
        year_end=phases["end_year"],
        metric=phases["name_en"],
        value_as_printed=phases["stated_as"],
        unit="period",
    )
    money = budget[budget["source_title"].eq(source_title)]
    budget_rows = money.assign(table="budget", topic="budget", unit="VND")
    goal_rows = goals[goals["source_title"].eq(source_title)].assign(table="goals", topic="goals")
    other = milestones[milestones["source_title"].eq(source_title)].assign(table="milestones")
    frames = [f.reindex(columns=FACT_COLUMNS) for f in (stage_rows, budget_rows, goal_rows, other)]
    facts = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    counts = dict.fromkeys(
        ("year_start", "year_end", "n_projects", "n_tasks", "n_projects_or_tasks"), "Int64"
    )
    return facts.astype(counts)


# --- ranking claims ---------------------------------------------------------------------------


def _claims_table() -> pd.DataFrame:
    return pd.DataFrame(package_rows("programme_claims.csv"))


def ranking_claims(milestones: pd.DataFrame, panel: pd.DataFrame, province_code: str = "22") -> pd.DataFrame:
    """Each ranking claim of the sources against the published index values it refers to.

    The claims and the editions they may refer to are in ``meta/programme_claims.csv``: one row
    per claim (its metric in the facts), the index and indicator, the candidate editions (a
    claim of "two years running" without years has several candidate pairs, separated by ``|``)
    and a related ranking. One output row per claim, role and edition (an edition in two
    candidate pairs — 2016 in 2015+2016 and 2016+2017 — is one row, never repeated), columns:
    ``claim`` (the fact's metric), ``claimed_rank``, ``claimed_of``, ``source_url``,
    ``source_title``, ``source_date``, ``index``, ``indicator``, ``candidates`` (the candidate
    sets the edition belongs to, ``2015+2016|2016+2017``), ``year``, ``role`` (claimed / related),
    ``published_rank``, ``rank_basis``, ``n_ranked``, ``score``, ``value_source_url``,
    ``year_status`` (matches / differs / not held) and ``claim_status`` (matches / partly matched
    / disagrees / cannot be matched: every year of a candidate matches; some match and the others
    are not held; a value differs in every candidate; nothing held to compare).
    """
    claims = _claims_table()
    facts = milestones.set_index("metric")
    own = panel[panel["province_code"].eq(province_code) & panel["geography"].eq("provinces_63")]
    rows: dict[tuple[str, str, str, str, int], dict[str, object]] = {}
    for claim in claims.itertuples():
        fact = facts.loc[claim.metric]
        base = {
            "claim": claim.metric,
            "claimed_rank": fact["value"],
            "claimed_of": fact["denominator"],
            "source_url": fact["source_url"],
            "source_title": fact["source_title"],
            "source_date": fact["source_date"],
            "quote_vi": fact["quote_vi"],
        }
        sets = [("claimed", c, claim.index, claim.indicator) for c in claim.candidates.split("|")]
        if claim.related:
            rel_index, rel_indicator, rel_years = claim.related.split(":")
            sets.append(("related", rel_years, rel_index, rel_indicator))
        for role, candidate, index, indicator in sets:
            for year in (int(y) for y in candidate.split()):
                value = own[own["index"].eq(index) & own["indicator"].eq(indicator) & own["year"].eq(year)]
                held = value.iloc[0] if len(value) and pd.notna(value.iloc[0]["rank"]) else None
                if held is None:
                    status = "not held"
                else:
                    status = "matches" if int(held["rank"]) == int(base["claimed_rank"]) else "differs"
                key = (claim.metric, role, index, indicator, year)
                if key in rows:  # the same edition in a second candidate set: one row, both sets
                    rows[key]["candidates"] = f"{rows[key]['candidates']}|{candidate.replace(' ', '+')}"
                    continue
                rows[key] = base | {
                    "index": index,
                    "indicator": indicator,
                    "candidates": candidate.replace(" ", "+"),
                    "year": year,
                    "role": role,
                    "published_rank": None if held is None else held["rank"],
                    "rank_basis": None if held is None else held["rank_basis"],
                    "n_ranked": None if held is None else held["n_ranked"],
                    "score": None if held is None else held["score"],
                    "value_source_url": None if held is None else held["source_url"],
                    "year_status": status,
                }
    table = pd.DataFrame(list(rows.values()))
    claim_status = {
        claim: _best(pd.Series([_combine(group["year_status"]) for _, _, group in candidate_groups(claimed)]))
        for claim, claimed in table[table["role"].eq("claimed")].groupby("claim", sort=False)
    }
    table["claim_status"] = table["claim"].map(claim_status)
    return table.astype({"published_rank": "Int64", "n_ranked": "Int64", "score": "Float64", "year": "Int64"})


def candidate_groups(rows: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """``(role, candidate, rows of that candidate)`` for the rows of one claim (columns ``role``
    and ``candidates`` of :func:`ranking_claims`), in the order the sets first appear: an
    edition in two candidate sets is in both groups."""
    sets = rows["candidates"].astype(str).str.split("|")
    order = dict.fromkeys((role, c) for role, cs in zip(rows["role"], sets, strict=True) for c in cs)
    return [(role, c, rows[rows["role"].eq(role) & sets.map(lambda cs, c=c: c in cs)]) for role, c in order]


def _combine(statuses: pd.Series) -> str:
    values = set(statuses)
    if values == {"matches"}:
        return "matches"
    if "differs" in values:
        return "disagrees"
    if "matches" in values:
        return "partly matched"
    return "cannot be matched"


def _best(statuses: pd.Series) -> str:
    for status in ("matches", "partly matched", "disagrees", "cannot be matched"):
        if status in set(statuses):
            return status
    return "cannot be matched"


# --- outcomes on every index -----------------------------------------------------------------

OUTCOME_INDICES = ("pci", "papi", "par", "sipas", "ict", "dti", "egov_mic")


def outcomes(panel: pd.DataFrame, province_code: str, phases: pd.DataFrame) -> pd.DataFrame:
    """The province's score and rank on every index and indicator, every edition year, with its
    regional peers and the national distribution, and its place in the programme.

    One row per index, indicator and year from the indicator's first held year (for ``overall``
    and for indicators added later: the index's first edition) to the last. Columns: ``index``,
    ``indicator``, ``year``, ``status`` (held: the province's value is in the data held — published
    or computed, which ``score_basis`` and ``rank_basis`` say, the one home of a value's status;
    not held: the
    edition exists but the province's value is not among the published values held — top lists,
    editions not compiled; no edition: the index was not conducted that year; not in the index
    yet: the indicator was added later, e.g. PAPI's e-governance dimension in 2018), ``score``,
    ``rank``, ``rank_basis``,
    ``n_ranked``, ``score_basis``, ``source_url``, ``source_class`` (of the score's source: a
    PAPI total the press or a government site prints among the project's sums says whose it is),
    ``national_n_score``, ``national_median``,
    ``national_q1``, ``national_q3`` (missing unless ``national_complete``: every ranked unit has
    a score; the middle of a top list is no national median), ``national_third_party`` (some
    of the scores they are computed from come from a third party's compilation),
    ``peers_n_score`` (the region's other provinces with a score held), ``n_peers`` (the region's
    other provinces), ``peers_median`` (missing unless ``national_complete``: the same rule),
    ``peers_best_rank``, ``period``, ``stages``.
    """
    rows = panel[panel["geography"].eq("provinces_63") & panel["index"].isin(OUTCOME_INDICES)]
    if "source_class" not in rows:  # a panel built without it: the class of each score's source
        from ..meta import classify_sources

        rows = rows.assign(source_class=classify_sources(rows["source_url"].astype("string"))["source_class"])
    region = provinces()[province_code].region
    peers = {c for c, p in provinces().items() if p.region == region and c != province_code}
    keys = ["index", "indicator", "year"]
    # the ranked list's units with a score (a held score of an unranked unit is not one of them)
    listed = rows[list_units(rows, keys)]
    completeness = list_completeness(rows, keys)
    national = listed.groupby(keys)["score"].agg(
        national_median="median",
        national_q1=lambda s: s.quantile(0.25),
        national_q3=lambda s: s.quantile(0.75),
    )
    national = national.reindex(completeness.index)
    # whose values the national statistics are computed from: any a third party compiled
    national["national_third_party"] = (
        listed["source_class"].eq("third_party_compilation").groupby([listed[k] for k in keys]).any()
    )
    national.insert(0, "national_n_score", completeness["n_score"])
    national["national_complete"] = completeness["complete"]
    # the middle of a top list is no median, national or regional: one rule (list_completeness)
    national.loc[~national["national_complete"], ["national_median", "national_q1", "national_q3"]] = np.nan
    peer = (
        rows[rows["province_code"].isin(peers)]
        .groupby(keys)
        .agg(peers_n_score=("score", "count"), peers_best_rank=("rank", "min"))
    )
    peer["peers_median"] = listed[listed["province_code"].isin(peers)].groupby(keys)["score"].median()
    peer["peers_median"] = peer["peers_median"].where(
        completeness["complete"].reindex(peer.index).fillna(False).astype(bool)
    )
    peer = peer[["peers_n_score", "peers_median", "peers_best_rank"]]
    held_years = rows.groupby(["index", "indicator"])["year"].agg(["min", "max"])
    grid = []
    for (index, indicator), (first, last) in held_years.iterrows():
        editions = index_registry()[index].years
        start = min(editions) if indicator == "overall" else int(first)
        for year in range(start, max(max(editions), int(last)) + 1):
            grid.append({"index": index, "indicator": indicator, "year": year, "edition": year in editions})
        if indicator != "overall":  # years of the index before this indicator existed
            grid += [
                {"index": index, "indicator": indicator, "year": y, "edition": True, "_new": True}
                for y in sorted(editions)
                if y < int(first)
            ]
    grid = pd.DataFrame(grid).astype({"year": rows["year"].dtype})
    if "_new" not in grid:  # only indicators held from their index's first edition
        grid["_new"] = False
    own = rows[rows["province_code"].eq(province_code)][
        [*keys, "score", "rank", "rank_basis", "n_ranked", "score_basis", "source_url", "source_class"]
    ]
    table = grid.merge(own, on=keys, how="left").join(national, on=keys).join(peer, on=keys)
    # the region's other provinces of the year: the 63, and a unit merged since (Hà Tây) where held
    merged = {c for c in peers if provinces()[c].merged_into}
    merged_held = rows[rows["province_code"].isin(merged)].groupby(keys)["province_code"].nunique()
    table["n_peers"] = len(peers - merged) + (
        table.join(merged_held.rename("_merged"), on=keys)["_merged"].fillna(0).astype(int).to_numpy()
    )
    has_value = (table["score"].notna() | table["rank"].notna()).to_numpy()
    table["status"] = "not held"
    table.loc[~table["edition"].to_numpy(), "status"] = "no edition"
    table.loc[table["_new"].eq(True).to_numpy(), "status"] = "not in the index yet"
    table.loc[has_value, "status"] = "held"
    labels = label_years(table["year"].astype(int).tolist(), phases)
    table["period"] = labels["period"].to_numpy()
    table["stages"] = labels["stages"].to_numpy()
    table = table.astype(
        {"peers_n_score": "Int64", "national_n_score": "Int64", "peers_best_rank": "Int64", "year": "Int64"}
    )
    table["national_complete"] = table["national_complete"].astype("boolean")
    table["national_third_party"] = table["national_third_party"].astype("boolean")
    order = {i: n for n, i in enumerate(OUTCOME_INDICES)}
    table["_order"] = table["index"].map(order)
    table["_overall"] = table["indicator"].ne("overall")
    table = table.sort_values(["_order", "_overall", "indicator", "year"], kind="stable")
    columns = [
        "index",
        "indicator",
        "year",
        "status",
        "score",
        "rank",
        "rank_basis",
        "n_ranked",
        "score_basis",
        "source_url",
        "source_class",
        "national_n_score",
        "national_median",
        "national_q1",
        "national_q3",
        "national_complete",
        "national_third_party",
        "peers_n_score",
        "n_peers",
        "peers_median",
        "peers_best_rank",
        "period",
        "stages",
    ]
    return table[columns].reset_index(drop=True)


def outcomes_by_stage(
    table: pd.DataFrame, phases: pd.DataFrame, indicators: tuple[str, ...] = ("overall", "e_governance")
) -> pd.DataFrame:
    """For each index, indicator and programme stage: the province's values before, during and
    after the stage (by the years some source places it in).

    Columns: ``index``, ``indicator``, ``phase_id``, ``window`` (before / during / after),
    ``years`` (editions in the window), ``n_held`` (years with a value held),
    ``mean_score``, ``best_rank`` with ``best_rank_basis`` (computed when no year of that rank
    printed it), ``worst_rank``, ``mean_rank``, ``mean_national_median``, ``series_breaks`` (the
    index's series breaks inside the window's years held, comma-separated; "" for none).
    A window without a held value has empty statistics (not published is not zero); a window whose
    years cross a series break has no means (the scales differ: PAPI 2018 added two dimensions)."""
    from .findings import breaks_between

    spans = stage_spans(phases)
    spans = spans[spans["in_programme"]]
    rows = table[table["indicator"].isin(indicators)]
    out = []
    for stage in spans.itertuples():
        window = pd.Series("during", index=rows.index)
        window[rows["year"] < stage.first_year] = "before"
        window[rows["year"] > stage.last_year] = "after"
        grouped = rows.assign(window=window).groupby(["index", "indicator", "window"], sort=False)
        for (index, indicator, win), group in grouped:
            held = group[group["status"].eq("held")]
            years = held["year"].dropna().astype(int)
            breaks = (
                breaks_between(str(index), str(indicator), years.min(), years.max()) if len(years) else []
            )
            means = {
                "mean_score": held["score"].mean(),
                "mean_rank": held["rank"].astype("Float64").mean(),
                "mean_national_median": held["national_median"].mean(),
            }
            if breaks:  # the scales differ across a break (PAPI 2018 added two dimensions): no mean
                means = dict.fromkeys(means, pd.NA)
            best = held["rank"].min()
            printed = held.loc[held["rank"].eq(best).fillna(False), "rank_basis"].eq("published").any()
            out.append(
                {
                    "index": index,
                    "indicator": indicator,
                    "phase_id": stage.phase_id,
                    "window": win,
                    "years": len(group),
                    "n_held": len(held),
                    "mean_score": means["mean_score"],
                    "best_rank": best,
                    "best_rank_basis": pd.NA if pd.isna(best) else ("published" if printed else "computed"),
                    "worst_rank": held["rank"].max(),
                    "mean_rank": means["mean_rank"],
                    "mean_national_median": means["mean_national_median"],
                    "series_breaks": ", ".join(str(y) for y in breaks),
                }
            )
    frame = pd.DataFrame(out)
    # an empty window's mean is <NA>: without the cast the columns would be objects, not numbers
    means = {"mean_score": "Float64", "mean_rank": "Float64", "mean_national_median": "Float64"}
    return frame.astype({"best_rank": "Int64", "worst_rank": "Int64", **means})


def ranks_around_phases(ranks: pd.DataFrame, phases: pd.DataFrame) -> pd.DataFrame:
    """The province's ranks per year with the period (before / during / after) and stages."""
    labels = label_years(ranks["year"].astype(int).tolist(), phases)
    return ranks.assign(period=labels["period"].to_numpy(), stages=labels["stages"].to_numpy())


# --- the reader's words (from the message catalogue, family "programme") ----------------------


def dates_in_text(value: object, lang: str) -> object:
    """Every ISO date inside a text (``QĐ 2459/QĐ-UBND (2012-09-28)``) written as ``lang`` writes
    it (:func:`date_text`); a missing value or a text without one is returned as it is."""
    import re

    if not isinstance(value, str):
        return value
    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", lambda m: date_text(m.group(0), lang), value)


def goal_unit(unit: object, lang: str) -> str:
    """A goal's unit (``goals.unit``: ``%``, ``% GRDP``, ``top-N`` …) in ``lang``, as its source
    gives it (``programme.goal_unit."<unit>"``); "no unit given by the source" where the source
    gives none. A unit the catalogue lacks raises ``MissingMessageError`` naming it: a unit is
    never guessed."""
    from ..formatting import is_missing
    from ..meta.messages import text

    if is_missing(unit) or not str(unit).strip():
        return text("programme.goal_unit_none", lang)
    return text(f"programme.goal_unit.{str(unit).strip()}", lang)


def _key(status: str) -> str:
    return status.replace(" ", "_")


# how a reader_table column is written, by its catalogue key (``programme.column.<key>``)
_WORDS = {
    "kind": "programme.kind",
    "basis": "programme.basis",
    "level": "programme.level",
    "topic": "programme.topic",
    "window": "programme.window",
}
_STAGE_KEYS = ("stage", "stages", "other_plans")
_NOT_STATED_KEYS = ("stage", "legal_basis", "end_year", "period", "value", "goal", "fact", "topic")
_SCORE_KEYS = ("score", "mean_score", "national_median", "peers_median")
_WHOLE_KEYS = ("rank", "n_ranked", "best_rank", "n_held")
_AMOUNT_KEYS = ("amount", "amount_real")
_YEAR_KEYS = ("year", "start_year", "end_year")


def stage_names(value: object, lang: str) -> str:
    """Every programme stage id in ``value`` (one id, or ids joined by `` + `` / `` / ``) written
    as its short name (``programme.stage_short.<id>``), each name once, joined by ", "; text
    that is not a stage id is kept as it is."""
    import re

    from ..meta.messages import catalogue

    names = catalogue(lang)
    if value is None or value != value or value is pd.NA:
        return ""
    parts = [p for p in re.split(r"\s*(?:\+|/)\s*", str(value)) if p]
    shown = [names.get(f"programme.stage_short.{p}", p) for p in parts]
    return ", ".join(dict.fromkeys(shown))


def conflict_stages(key: str, lang: str) -> str:
    """The stages a programme conflict's key names (``group: id_a / id_b``), by their short names."""
    return stage_names(str(key).split(": ", 1)[-1], lang)


def stage_conflict_sentences(conflicts: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per disagreement of the sources on the stages (the ``phases`` rows of the
    programme_conflicts table, each pair of values once): the stages, the value chosen and the
    other (catalogue ``programme.text.stage_conflict``)."""
    from ..meta.messages import text

    rows = conflicts[conflicts["table"].eq("phases")].drop_duplicates(["key", "chosen_value", "other_value"])
    return [
        text(
            "programme.text.stage_conflict",
            lang,
            group=conflict_stages(row.key, lang),
            chosen=row.chosen_value,
            other=row.other_value,
        )
        for row in rows.itertuples()
    ]


def _column_spec(source: str, key: str, frame: pd.DataFrame) -> Column:
    label = f"programme.column.{key}"
    if key == "source":
        return Column(source, label, kind="link")
    if key in _YEAR_KEYS and pd.api.types.is_numeric_dtype(frame[source]):
        return Column(source, label, kind="year")
    if key in _AMOUNT_KEYS and pd.api.types.is_numeric_dtype(frame[source]):
        return Column(source, label, kind="number", decimals=1)
    if key in _SCORE_KEYS and pd.api.types.is_numeric_dtype(frame[source]):
        return Column(source, label, kind="number", decimals=2)
    if key in _WHOLE_KEYS and pd.api.types.is_numeric_dtype(frame[source]):
        return Column(source, label, kind="number")
    if pd.api.types.is_float_dtype(frame[source]):
        whole = frame[source].dropna().mod(1).eq(0).all()
        return Column(source, label, kind="number", decimals=0 if whole else 1)
    return Column(source, label)


def reader_table(frame: pd.DataFrame, columns: dict[str, str], lang: str) -> Any:
    """A table for people (:func:`egov_analysis.tables.people_table`) of ``frame``'s ``columns``
    (column → ``programme.column.<key>``): status and period codes, indices, kinds, bases and
    stage ids in the words of ``lang``, numbers in its locale, URLs as links to their sites, no
    index column. A text the sources do not state (a stage's end year, its legal basis) is
    written "not stated" (``programme.not_stated``); a missing number "not published".

    Raises ``KeyError`` naming a column missing from ``frame``."""
    from ..formatting import display_name, score
    from ..formatting import mark as fmt_mark
    from ..formatting import number as fmt_number
    from ..meta.messages import text
    from ..tables import people_table

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"reader_table: columns {missing} are not in the frame ({list(frame.columns)})")
    table = frame[list(columns)].copy()
    not_stated = text("programme.not_stated", lang)
    for column, key in columns.items():
        values = table[column]
        if column in ("status", "claim_status", "year_status", "candidate_status", "period"):
            table[column] = values.map(
                lambda s: text(f"programme.status.{_key(s)}", lang), na_action="ignore"
            )
        elif column == "index":
            table[column] = values.map(lambda i: text(f"programme.index.{i}", lang), na_action="ignore")
        elif key == "source_class":  # whose value it is: the press, a government site, a compilation
            table[column] = values.map(lambda c: display_name("source_class", c, lang), na_action="ignore")
        elif column == "indicator" and "index" in frame:
            table[column] = [_indicator_text(i, c, lang) for i, c in zip(frame["index"], values, strict=True)]
        elif key in _WORDS:
            family = _WORDS[key]
            table[column] = values.map(
                lambda w, f=family: text(f"{f}.{_key(str(w))}", lang), na_action="ignore"
            )
        elif key == "claim" and "quote_vi" in frame:
            # a claim in the words its source printed, once per claim (its rows follow each other)
            said = [source_words(row, lang) for _, row in frame.iterrows()]
            table[column] = [
                "" if i and frame[column].iloc[i] == frame[column].iloc[i - 1] else s
                for i, s in enumerate(said)
            ]
        elif key in _STAGE_KEYS and column in ("phase_id", "stages", "other_plans"):
            table[column] = values.map(lambda v: stage_names(v, lang), na_action="ignore")
        elif key == "national_median" and "index" in frame:  # none for part of a list, said so
            partial = text("programme.no_national_median", lang)
            # a year with no edition, or before the indicator existed, has no list at all: say which
            status = frame["status"] if "status" in frame else pd.Series("held", index=frame.index)
            table[column] = [
                fmt_mark(score(float(v), str(i), lang), "computed", lang)  # a median the project computed
                if pd.notna(v)
                else (partial if s in ("held", "not held") else text(f"programme.status.{_key(s)}", lang))
                for v, i, s in zip(values, frame["index"], status, strict=True)
            ]
        elif key == "unit":  # a goal's unit as its source gives it, or that it gives none
            table[column] = [goal_unit(u, lang) for u in values]
        elif key == "legal_basis":  # a decision's date as the page's language writes dates
            table[column] = values.map(lambda v: dates_in_text(v, lang), na_action="ignore")
        if key in _NOT_STATED_KEYS and not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].astype("string").fillna(not_stated)
        elif key == "end_year":
            table[column] = table[column].map(lambda y: not_stated if y is pd.NA or y != y else str(int(y)))
        if key == "rank" and "rank_basis" in frame:  # a rank the project computed carries the mark
            table[column] = [
                fmt_mark(fmt_number(v, lang), b, lang)
                for v, b in zip(values, frame["rank_basis"], strict=True)
            ]
        elif key == "amount" and "items" in frame:  # a sum of several stated totals is derived: marked
            sums = [
                fmt_number(v, lang)
                if pd.isna(v)
                else fmt_mark(fmt_number(v, lang, 1), "computed" if n > 1 else None, lang)
                for v, n in zip(values, frame["items"], strict=True)
            ]
            table[column] = sums
        elif key == "amount_real":  # a real amount is derived (moved with the CPI): marked
            table[column] = [
                fmt_number(v, lang) if pd.isna(v) else fmt_mark(fmt_number(v, lang, 1), "derived", lang)
                for v in values
            ]
        elif key == "score" and "score_basis" in frame and "index" in frame:  # a PAPI total is a sum
            table[column] = [
                fmt_number(v, lang) if pd.isna(v) else fmt_mark(score(float(v), str(i), lang), b, lang)
                for v, i, b in zip(values, frame["index"], frame["score_basis"], strict=True)
            ]
        elif key == "peers_median" and "n_peers" in frame:  # none for part of a list, with the count
            status = frame["status"] if "status" in frame else pd.Series("held", index=frame.index)
            table[column] = [
                fmt_mark(score(float(v), str(i), lang), "computed", lang)
                if pd.notna(v)
                else (
                    text("programme.no_peers_median", lang, n=int(h) if pd.notna(h) else 0, total=int(t))
                    if s in ("held", "not held")
                    else text(f"programme.status.{_key(s)}", lang)
                )
                for v, i, s, h, t in zip(
                    values, frame["index"], status, frame["peers_n_score"], frame["n_peers"], strict=True
                )
            ]
        elif key in ("peers_median", "mean_score") and "index" in frame:  # a median or mean: computed
            breaks = frame["series_breaks"] if "series_breaks" in frame else pd.Series("", index=frame.index)

            def mean_text(value: Any, index: object, broken: str) -> str:
                if pd.notna(value):
                    return fmt_mark(score(float(value), str(index), lang), "computed", lang)
                if broken:  # no mean on two scales: the break is named instead, its years as a list
                    years = [int(y) for y in str(broken).split(", ")]
                    return text("programme.no_mean_across_break", lang, years=year_span(years, lang))
                return fmt_number(value, lang)

            table[column] = [mean_text(*cell) for cell in zip(values, frame["index"], breaks, strict=True)]
        elif key == "best_rank" and "best_rank_basis" in frame:  # a rank no year printed is marked
            table[column] = [
                fmt_number(v, lang) if pd.isna(v) else fmt_mark(fmt_number(v, lang), b, lang)
                for v, b in zip(values, frame["best_rank_basis"], strict=True)
            ]
    table = table.reset_index(drop=True)
    specs = [_column_spec(column, key, table) for column, key in columns.items()]
    return people_table(table, specs, lang)


def _indicator_text(index: object, indicator: object, lang: str) -> str:
    from ..formatting import indicator_name
    from ..meta.messages import MissingMessageError

    if indicator is None or indicator != indicator or indicator is pd.NA:
        return ""
    try:
        return indicator_name(str(index), str(indicator), lang)
    except MissingMessageError:  # an indicator with no catalogue name stays as published
        return str(indicator)


def region_name(region: str, lang: str) -> str:
    """A region of the province registry (English) in ``lang``."""
    from ..meta.messages import text

    return text(f"programme.region.{region.lower().replace(' ', '_')}", lang)


def claim_findings(claims: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per ranking claim: its status and, per edition, the published rank or that
    none is held (``claims`` as :func:`ranking_claims` returns it)."""
    from ..meta.messages import text

    sentences = []
    for _claim, rows in claims.groupby("claim", sort=False):
        first = rows.iloc[0]
        parts = []
        for role, candidate, group in candidate_groups(rows):
            years = []
            for row in group.itertuples():
                index = text(f"programme.index.{row.index}", lang)
                if row.year_status == "not held":
                    years.append(text("programme.claim.year_not_held", lang, index=index, year=row.year))
                else:
                    years.append(
                        text(
                            "programme.claim.year_held",
                            lang,
                            index=index,
                            year=row.year,
                            rank=row.published_rank,
                            n=row.n_ranked,
                        )
                    )
            label = (
                text("programme.claim.related", lang)
                if role == "related"
                else text("programme.claim.candidate", lang, years=candidate.replace("+", ", "))
            )
            parts.append(f"{label}: " + "; ".join(years) if len(rows) > 1 else "; ".join(years))
        claim_text = source_words(first, lang)
        sentences.append(
            text(
                f"programme.claim.{_key(first['claim_status'])}",
                lang,
                claim=claim_text,
                details=" · ".join(parts),
            )
        )
    return sentences


def source_words(row: pd.Series, lang: str) -> str:
    """A programme claim as its source printed it, never restated: the Vietnamese quote in
    quotation marks (``quote_vi``), with the English label of the claim before it in an English
    report; the label alone where no quote is held."""
    from ..meta.messages import text

    quote = row.get("quote_vi")
    label = str(row.get("claim", row.get("metric", "")))
    if not isinstance(quote, str) or not quote.strip():
        return label
    if text("programme.fact_column", lang) == "metric":  # a language whose facts are labels: both
        return text("programme.quoted_labelled", lang, quote=quote.strip(), label=label)
    return text("programme.quoted", lang, quote=quote.strip())


HEADLINE_INDICATORS = ("overall", "e_governance")  # every index's score, and PAPI's e-governance


def headline_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`outcomes` for each index's headline score and PAPI's e-governance
    dimension (the indicators the report's tables and counts are about); same columns."""
    return outcomes[outcomes["indicator"].isin(HEADLINE_INDICATORS)]


def outcome_counts(outcomes: pd.DataFrame, province: str, lang: str) -> list[str]:
    """One line per index (and PAPI's e-governance dimension) of :func:`outcomes`: how many of its
    editions have a value held for ``province`` ("PCI: 17 of 19 editions with a value held for
    Quảng Ninh"), in the plural form ``lang`` uses. Editions are the years whose status is
    ``held`` or ``not held``; other statuses (not yet begun, outside the index's years) are
    not editions of the province.

    Raises ``KeyError`` naming a column (``index``, ``indicator``, ``status``) missing from
    ``outcomes``."""
    from ..meta.messages import plural, text

    missing = [c for c in ("index", "indicator", "status") if c not in outcomes.columns]
    if missing:
        raise KeyError(f"outcome_counts: columns {missing} are not in the frame ({list(outcomes.columns)})")
    overall = headline_outcomes(outcomes)
    lines = []
    for (index, indicator), rows in overall.groupby(["index", "indicator"], sort=False):
        key = "e_governance" if indicator == "e_governance" else index
        editions = int(rows["status"].isin(["held", "not held"]).sum())
        lines.append(
            plural(
                "programme.text.outcome_counts",
                lang,
                editions,
                index=text(f"programme.index.{key}", lang),
                held=number_text(int(rows["status"].eq("held").sum()), lang),
                editions=number_text(editions, lang),
                province=province,
            )
        )
    return lines


def counts_text(row: Any, lang: str) -> str:
    """The counts of projects and tasks a source gives for an amount, in words ("9 projects and 3
    tasks", "7 dự án, nhiệm vụ"); ``""`` when it gives none. ``row``: anything with
    ``n_projects``, ``n_tasks`` and ``n_projects_or_tasks`` (a row of the budget table)."""
    from ..meta.messages import text

    def known(name: str) -> Any:
        value = row[name] if isinstance(row, (pd.Series, dict)) else getattr(row, name, None)
        return None if value is None or pd.isna(value) else int(value)

    together, projects, tasks = known("n_projects_or_tasks"), known("n_projects"), known("n_tasks")
    if together is not None:
        return text("programme.text.count_projects_or_tasks", lang, n=together)
    if projects is None and tasks is None:
        return ""
    return text(
        "programme.text.count_projects_tasks",
        lang,
        projects="?" if projects is None else projects,
        tasks="?" if tasks is None else tasks,
    )


def fact_values(facts: pd.DataFrame, lang: str) -> pd.Series:
    """Each fact of :func:`source_facts` as a reader sees it: the value as printed, and for an
    amount the counts of projects and tasks its source gives, in words ("86 tỷ đồng (9 dự án và
    3 nhiệm vụ)")."""
    counts = facts.apply(counts_text, axis=1, lang=lang) if not facts.empty else pd.Series(dtype=str)
    values = facts["value_as_printed"].astype("string").fillna("")
    return (values + (" (" + counts + ")").where(counts.ne(""), "")).rename("value")


def period_words(first: int, last: int, lang: str) -> str:
    """A year or a span of years as a sentence of ``lang`` names it ("năm 2017", "giai đoạn
    2018–2020"; "2017", "2018–2020"): a single year is never called a period."""
    from ..meta.messages import text

    if int(first) == int(last):
        return text("programme.period_one_year", lang, year=int(first))
    from ..formatting import year_range

    return text("programme.period_years", lang, years=year_range(first, last))


def budget_findings(items: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per budget item that a source gives counts of projects and tasks for: its
    years, its amount once, its basis (approved, planned) and the counts."""
    from ..meta.messages import text

    sentences = []
    for row in items.itertuples():
        counts = counts_text(row, lang)
        if not counts:
            continue
        period = period_words(row.year_start, row.year_end, lang)
        amount = number_text(float(row.amount_vnd) / 1e9, lang, 1)
        basis = text(f"programme.basis.{_key(str(row.basis))}", lang)
        sentence = text(
            "programme.text.counts", lang, period=period, amount=amount, basis=basis, counts=counts
        )
        sentences.append(sentence[:1].upper() + sentence[1:])
    return sentences


def budget_rivals(budget: pd.DataFrame, lost: pd.DataFrame) -> pd.DataFrame:
    """The budget amounts a left-out source gives otherwise: each ``lost`` row (the
    ``lost_values`` table) whose item names a conflict with a budget amount as printed
    ("… conflicts with 646"), beside that amount.

    Columns: ``phase_id``, ``item``, ``year_start``, ``year_end``, ``amount_vnd`` (the amount
    shown), ``other`` (the other source's value as printed), ``host`` (its refused host),
    ``source_url``."""
    from .quality import losses

    left_out = losses(lost)
    rows = []
    for amount in budget[budget["value_as_printed"].notna()].itertuples():
        printed = str(amount.value_as_printed).strip()
        named = left_out["item"].str.contains(rf"conflicts with {re.escape(printed)}\b", regex=True)
        for other in left_out[named].itertuples():
            rows.append(
                {
                    "phase_id": amount.phase_id,
                    "item": amount.item,
                    "year_start": amount.year_start,
                    "year_end": amount.year_end,
                    "amount_vnd": amount.amount_vnd,
                    "other": str(other.value).removeprefix("value ").strip(),
                    "host": other.host,
                    "source_url": other.source_url,
                }
            )
    columns = ["phase_id", "item", "year_start", "year_end", "amount_vnd", "other", "host", "source_url"]
    return pd.DataFrame(rows, columns=columns)


def budget_rival_notes(budget: pd.DataFrame, lost: pd.DataFrame, lang: str) -> list[str]:
    """One line per :func:`budget_rivals` row for under the budget table: the amount shown, the
    other figure, its refused host, and that the data-quality page lists it."""
    from ..meta.messages import text

    return [
        text(
            "programme.text.budget_rival",
            lang,
            amount=number_text(float(row.amount_vnd) / 1e9, lang, 1),
            stage=stage_names(row.phase_id, lang),
            other=row.other,
            host=row.host,
        )
        for row in budget_rivals(budget, lost).itertuples()
    ]


def real_amount_notes(items: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per total (``items`` as :func:`budget_items` returns them) saying how its real
    amount was derived: the sum of its yearly tranches, each in its own year's prices, or one price
    year because the source gives no yearly split (and none is invented)."""
    from ..meta.messages import text

    sentences = []
    for total in items[items["level"].eq("total")].itertuples():
        amount = number_text(float(total.amount_vnd) / 1e9, lang, 1)
        if total.real_method == "yearly_tranches":
            tranches = items[
                items["phase_id"].eq(total.phase_id)
                & items["basis"].eq(total.basis)
                & items["level"].eq("tranche")
            ]
            years = sorted(int(y) for y in tranches["year_start"])
            sentences.append(
                text(
                    "programme.text.real_from_tranches",
                    lang,
                    amount=amount,
                    period=period_words(years[0], years[-1], lang),  # the years its tranches cover
                    years=", ".join(map(str, years)),
                )
            )
        else:
            sentences.append(
                text(
                    "programme.text.real_one_year",
                    lang,
                    amount=amount,
                    period=period_words(total.year_start, total.year_end, lang),
                    year=int(total.price_year),
                )
            )
    return sentences


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Each frame as ``<out_dir>/<name>.csv`` (the report's tables beside its figures), formula-like
    text neutralised (:func:`egov_analysis.csv_safe.write_csv`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = out_dir / f"{name}.csv"
        write_csv(frame, path)
        paths.append(path)
    return paths
