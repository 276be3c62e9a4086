"""Key findings of the phase comparison report, in the report's language: the stages as their
sources state them, the goals with a published result, the article's ranking claims against the
published values, the province's PCI ranks (compared only when no series break lies between
them) and the synthetic control's estimate with both of its tests.

Sentences come from the catalogue family ``programme.finding``; every number is taken from the
frames passed in (the processed tables and the analyses of :mod:`.phases` and
:mod:`.counterfactual`)."""

from __future__ import annotations

import pandas as pd

from ..formatting import is_computed, mark
from ..formatting import number as number_text
from ..meta.messages import text
from ..provinces import display_name
from .counterfactual import SyntheticControlResult
from .counterfactual_reading import SIGNIFICANCE, headline
from .counterfactual_study import CounterfactualStudy
from .findings import Findings, breaks_between, rank_in_years, with_legend


def _stages(phases: pd.DataFrame, lang: str) -> list[str]:
    in_programme = phases["in_programme"].fillna(False).astype(bool)
    ours = phases[in_programme & phases["start_year"].notna()]
    if ours.empty:
        return []
    others = phases.loc[~in_programme, f"name_{lang}"] if f"name_{lang}" in phases else pd.Series(dtype=str)
    excluded = "; ".join(dict.fromkeys(others.dropna().astype(str))) or "—"
    return [
        text(
            "programme.finding.stages",
            lang,
            n=ours["phase_id"].nunique(),
            first=int(ours["start_year"].min()),
            sources=ours["source_url"].nunique(),
            rows=len(ours),
            excluded=excluded,
        )
    ]


def _goals(goals: pd.DataFrame, lang: str) -> list[str]:
    """``goals`` as :func:`.phases.goal_progress` returns it."""
    fact = text("programme.fact_column", lang)
    met = goals[goals["status"].eq("met") & goals["achieved"].notna() & goals["target"].notna()]
    out = []
    for _, row in met.iterrows():
        goal = row[fact] if isinstance(row[fact], str) and row[fact] else row["metric"]
        printed = row.get("value_as_printed")
        # the source's own words may print the result already ("22/22 mục tiêu"): said once
        key = "goal_met_stated" if isinstance(printed, str) and printed and printed in goal else "goal_met"
        achieved, target = number_text(row["achieved"], lang, 0), number_text(row["target"], lang, 0)
        out.append(text(f"programme.finding.{key}", lang, goal=goal, achieved=achieved, target=target))
    unknown = int(goals["status"].eq("unknown").sum())
    if unknown:
        out.append(text("programme.finding.goals_unknown", lang, n=unknown))
    return out


def _claims(claims: pd.DataFrame, lang: str) -> list[str]:
    """``claims`` as :func:`.phases.ranking_claims` returns it: one count per status (none: no
    sentence)."""
    status = claims.drop_duplicates("claim")["claim_status"].dropna()
    if status.empty:
        return []
    counts = [
        text("programme.finding.claims_status", lang, n=n, status=text(f"programme.status.{_key(s)}", lang))
        for s, n in status.value_counts(sort=False).items()
    ]
    return [text("programme.finding.claims", lang, n=len(status), counts="; ".join(counts))]


def _key(status: str) -> str:
    return status.replace(" ", "_")


def _computed(rows: pd.DataFrame) -> str | None:
    """``computed`` when the project computed any of ``rows``' ranks (the mark's status)."""
    if "rank_basis" not in rows:
        return None
    return "computed" if any(is_computed(b) for b in rows["rank_basis"]) else None


def _pci_ranks(outcomes: pd.DataFrame, province: str, lang: str) -> str:
    """The best and the latest PCI rank held, each with its edition; the two are compared only
    when no series break lies between them (the PCI was revised in 2017)."""
    pci = outcomes[
        outcomes["index"].eq("pci") & outcomes["indicator"].eq("overall") & outcomes["rank"].notna()
    ]
    if pci.empty:
        return text("programme.finding.pci_none", lang, province=province)
    best = pci.sort_values(["rank", "year"], kind="stable").iloc[0]
    latest = pci.sort_values("year", kind="stable").iloc[-1]
    breaks = breaks_between("pci", "overall", int(best["year"]), int(latest["year"]))
    at_best = pci[pci["rank"].eq(best["rank"])]["year"].astype(int)
    return text(
        "programme.finding.pci_ranks_break" if breaks else "programme.finding.pci_ranks",
        lang,
        province=province,
        best=rank_in_years(pci[pci["rank"].eq(best["rank"])], int(best["rank"]), lang),  # "1 (2017–2023)"
        best_times=int(at_best.nunique()),
        latest=mark(str(int(latest["rank"])), latest.get("rank_basis"), lang),
        n=int(latest["n_ranked"]) if pd.notna(latest["n_ranked"]) else "?",
        latest_year=int(latest["year"]),
        breaks=", ".join(str(b) for b in breaks),
    )


def _counterfactual(result: SyntheticControlResult, lang: str) -> list[str]:
    """The estimate with both tests the analysis runs: the permutation rank of the post/pre RMSPE
    ratio and the one-sided test of the mean gap; where they disagree, the sentence says so."""
    if result.fit.empty:
        return []
    fit = result.fit.iloc[0]
    needed = ("mean_post_gap", "p_value", "p_value_mean_gap", "rank", "n_runs", "start_year")
    if any(pd.isna(fit.get(name)) for name in needed):  # a failed fit: no sentence, never "NaN"
        return []
    ratio_unusual = float(fit["p_value"]) <= SIGNIFICANCE
    gap_unusual = float(fit["p_value_mean_gap"]) <= SIGNIFICANCE
    key = "scm_both" if ratio_unusual and gap_unusual else "scm_neither" if not gap_unusual else "scm_mixed"
    if ratio_unusual and not gap_unusual:
        key = "scm_mixed_ratio"
    sentence = text(
        f"programme.finding.{key}",
        lang,
        province=display_name(fit["province"], lang),
        start_year=int(fit["start_year"]),
        gap=number_text(fit["mean_post_gap"], lang, 2),
        p_value=number_text(fit["p_value"], lang, 2),
        p_gap=number_text(fit["p_value_mean_gap"], lang, 3),
        rank=int(fit["rank"]),
        n_runs=int(fit["n_runs"]),
    )
    return [sentence]


def key_findings(
    province: str,
    phases: pd.DataFrame,
    goals: pd.DataFrame,
    claims: pd.DataFrame,
    outcomes: pd.DataFrame,
    counterfactual: SyntheticControlResult | CounterfactualStudy | None,
    lang: str,
) -> Findings:
    """The report's key findings (heading and sentences, ``lang``). ``phases``: the processed
    ``phases`` table; ``goals``: :func:`.phases.goal_progress`; ``claims``:
    :func:`.phases.ranking_claims`; ``outcomes``: :func:`.phases.outcomes` of ``province``;
    ``counterfactual``: :func:`.counterfactual_study.study` (its headline follows from the
    intervals and the robustness card), or :func:`.counterfactual.synthetic_control` alone (the
    placebo tests only), or ``None`` (left out)."""
    if isinstance(counterfactual, CounterfactualStudy):
        study, counterfactual = counterfactual, counterfactual.main
    else:
        study = None
    sentences = [*_stages(phases, lang), *_goals(goals, lang), *_claims(claims, lang)]
    lead = len(sentences)  # the province's PCI ranks: the report's key finding on the landing page
    sentences.append(_pci_ranks(outcomes, province, lang))
    if study is not None:
        scm = [headline(study, lang)]
    else:
        scm = _counterfactual(counterfactual, lang) if counterfactual is not None else []
    sentences += scm
    if scm and counterfactual is not None:  # a sentence was written: its fit has a start year
        fit = counterfactual.fit.iloc[0]
        post = counterfactual.gaps.loc[counterfactual.gaps["period"].eq("post"), "year"].dropna()
        breaks = (
            breaks_between("pci", "overall", int(fit["start_year"]) - 1, int(post.max())) if len(post) else []
        )
        if breaks:
            sentences.append(text("programme.finding.scm_break", lang, breaks=", ".join(map(str, breaks))))
    subject = text("programme.finding.subject", lang, province=province)
    return Findings(text("findings.heading", lang, subject=subject), with_legend(sentences, lang), lead=lead)
