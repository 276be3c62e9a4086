"""The counterfactual study in words (catalogue families ``programme.scm`` and
``programme.finding``): the headline, the intervals, the robustness card, the sub-indices and an
honest reading of what the comparison can and cannot show.

The headline follows from the intervals and the robustness card, never from the most favourable
p-value: an effect is called *supported* only when the yearly intervals exclude zero in at least
half of the post-period years, every estimate of the card has the main estimate's sign, the
in-time placebo's gap is less than half the main gap, and the placebo p-value exists (the
pre-period is not reproduced exactly) and is at most ``SIGNIFICANCE`` with and without the
pre-fit screen; otherwise the sentence says that an effect is
not established and gives the range of the evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..formatting import level_percent, number
from ..meta.messages import plural, text
from ..provinces import display_name
from .counterfactual_intervals import years_excluding_zero
from .counterfactual_study import CounterfactualStudy
from .findings import breaks_between

SIGNIFICANCE = 0.10  # a permutation p-value at or below this is reported as unusual among placebos

# the checks whose mean post-period gap is an estimate of the same effect as the main one
ESTIMATES = ("main", "estimator", "donor_pool", "leave_one_out")


def _number(value: float, lang: str, decimals: int = 2) -> str:
    return number(value, lang, decimals)


def _p(value: float, lang: str) -> str:
    return "–" if pd.isna(value) else _number(float(value), lang, 3)


def evidence(result: CounterfactualStudy) -> dict[str, float | int | bool]:
    """The numbers the headline rests on: ``gap``, ``low`` / ``high`` (range of the card's
    estimates), ``n_years``, ``n_zero`` (years whose interval includes zero), ``n_excluding``,
    ``p_min`` / ``p_max`` (placebo p-value over all runs and each screen), ``in_time_gap``,
    ``same_sign``, ``in_time_small`` (no in-time placebo, or its gap under half the main
    one), ``tested`` (the main run has a ratio p-value), ``supported``."""
    card = result.robustness
    main = card[card["check"].eq("main")].iloc[0]
    gap = float(main["mean_post_gap"])
    estimates = card.loc[card["check"].isin(ESTIMATES), "mean_post_gap"].astype(float).dropna()
    bands = result.intervals
    excluding = years_excluding_zero(bands)
    p_values = card.loc[card["check"].isin(["main", "placebo_screen"]), "p_value"].astype(float).dropna()
    tested = bool(pd.notna(main["p_value"]))  # no ratio p-value when the pre-period fit is exact
    in_time = card.loc[card["check"].eq("in_time_placebo"), "mean_post_gap"].astype(float).dropna()
    same_sign = bool((np.sign(estimates) == np.sign(gap)).all())
    in_time_small = bool(in_time.empty or abs(float(in_time.iloc[0])) < abs(gap) / 2)
    supported = (
        len(bands) > 0
        and tested
        and excluding >= len(bands) / 2
        and same_sign
        and in_time_small
        and bool((p_values <= SIGNIFICANCE).all())
    )
    return {
        "gap": gap,
        "low": float(estimates.min()),
        "high": float(estimates.max()),
        "n_years": len(bands),
        "n_zero": len(bands) - excluding,
        "n_excluding": excluding,
        "p_min": float(p_values.min()),
        "p_max": float(p_values.max()),
        "in_time_gap": float(in_time.iloc[0]) if not in_time.empty else float("nan"),
        "same_sign": same_sign,
        "in_time_small": in_time_small,
        "tested": tested,
        "supported": supported,
    }


def headline(result: CounterfactualStudy, lang: str) -> str:
    """The key finding of the study in ``lang`` (see the module text for when an effect is
    called supported)."""
    facts = evidence(result)
    fit = result.main.fit.iloc[0]
    key = "scm_headline_supported" if facts["supported"] else "scm_headline_not_shown"
    if not facts["supported"] and not facts["tested"]:  # no ratio p-value to give a range of
        key = "scm_headline_untested"
    sentence = plural(
        f"programme.finding.{key}",
        lang,
        int(facts["n_years"]),  # "of 1 year" / "of 11 years"
        province=display_name(fit["province"], lang),
        start_year=int(fit["start_year"]),
        gap=_number(float(facts["gap"]), lang),
        low=_number(float(facts["low"]), lang),
        high=_number(float(facts["high"]), lang),
        level=level_percent(float(result.intervals["level"].iloc[0]), lang),
        n_zero=facts["n_zero"],
        n_excluding=facts["n_excluding"],
        n_years=facts["n_years"],
        p_min=_p(float(facts["p_min"]), lang),
        p_max=_p(float(facts["p_max"]), lang),
    )
    # the conditions the sentence above does not name (intervals and p-values it does)
    unmet = []
    if not facts["in_time_small"]:
        card = result.robustness
        fake = int(card.loc[card["check"].eq("in_time_placebo"), "start_year"].iloc[0])
        gap = _number(float(facts["in_time_gap"]), lang)
        unmet.append(text("programme.finding.scm_unmet_in_time", lang, fake=fake, in_time_gap=gap))
    if not facts["same_sign"]:
        low, high = _number(float(facts["low"]), lang), _number(float(facts["high"]), lang)
        unmet.append(text("programme.finding.scm_unmet_sign", lang, low=low, high=high))
    if facts["supported"] or not unmet:
        return sentence
    return sentence + " " + text("programme.finding.scm_unmet", lang, reasons="; ".join(unmet))


def interval_sentences(result: CounterfactualStudy, lang: str) -> list[str]:
    """What the yearly intervals show, and the level the pre-period allows."""
    bands = result.intervals
    if bands.empty:
        return []
    fit = result.main.fit.iloc[0]
    facts = evidence(result)
    level, requested = float(bands["level"].iloc[0]), float(bands["requested_level"].iloc[0])
    out = [
        plural(
            "programme.scm.intervals",
            lang,
            int(facts["n_years"]),
            start_year=int(fit["start_year"]),
            level=level_percent(level, lang),
            n_zero=facts["n_zero"],
            n_years=facts["n_years"],
        )
    ]
    if abs(level - requested) > 1e-6:
        n_pre = len(result.main.years[result.main.years["period"].eq("pre")])
        # below the level asked for only when no interval reaches it (it would be the whole
        # line); above it when the p-values' steps of 1/(n_pre + 1) skip the level asked for
        out.append(
            text(
                "programme.scm.level_lowered" if level < requested else "programme.scm.level_raised",
                lang,
                requested=level_percent(requested, lang),
                n_pre=n_pre,
                n_p=n_pre + 1,
                level=level_percent(level, lang),
            )
        )
    return out


def card_sentences(result: CounterfactualStudy, lang: str) -> list[str]:
    """The robustness card in sentences: range of estimates, in-time placebo, pre-fit screens."""
    card = result.robustness
    fit = result.main.fit.iloc[0]
    facts = evidence(result)
    out = [
        text(
            "programme.scm.card_range",
            lang,
            low=_number(float(facts["low"]), lang),
            high=_number(float(facts["high"]), lang),
            gap=_number(float(facts["gap"]), lang),
            # the estimates given (a check that could not run is none): the chart's alt text count
            n=int(card.loc[card["check"].isin(ESTIMATES), "mean_post_gap"].notna().sum()),
        )
    ]
    in_time = card[card["check"].eq("in_time_placebo")]
    if not in_time.empty:
        row = in_time.iloc[0]
        if pd.isna(row["mean_post_gap"]):
            out.append(text("programme.scm.in_time_failed", lang, reason=row["variant"]))
        else:
            first, last = (int(y) for y in str(row["pre_years"]).split("–"))
            out.append(
                text(
                    "programme.scm.in_time_perfect"
                    if float(row["pre_rmspe"]) < 0.05
                    else "programme.scm.in_time",
                    lang,
                    fake=int(row["start_year"]),
                    pre_years=row["pre_years"],
                    post_years=row["post_years"],
                    gap=_number(float(row["mean_post_gap"]), lang),
                    p_value=_p(float(row["p_value"]), lang),
                    n_pre=last - first + 1,
                    pre_rmspe=_number(float(row["pre_rmspe"]), lang, 4),
                )
            )
    from ..plots.counterfactual import check_label

    for row in card[card["check"].isin(["estimator", "donor_pool"])].itertuples():
        if pd.isna(row.mean_post_gap):
            out.append(
                text("programme.scm.check_failed", lang, check=check_label(row, lang), reason=row.variant)
            )
    if pd.isna(fit["p_value"]):  # the pre-period reproduced exactly: no ratio to rank
        out.append(text("programme.scm.screen_untested", lang, province=display_name(fit["province"], lang)))
        return out
    out.append(
        text(
            "programme.scm.screen",
            lang,
            province=display_name(fit["province"], lang),
            p_all=_p(float(fit["p_value"]), lang),
            n_all=int(fit["n_runs"]),
            p_5=_p(float(fit["p_value_screen_5"]), lang),
            n_5=int(fit["n_runs_screen_5"]),  # runs, the province's own included: the chart's count
            p_2=_p(float(fit["p_value_screen_2"]), lang),
            n_2=int(fit["n_runs_screen_2"]),
        )
    )
    return out


def subindex_sentences(result: CounterfactualStudy, lang: str) -> list[str]:
    """The sub-index results: the years used, the series break, one sentence per sub-index."""
    table = result.subindices
    if table.empty:
        return []
    fit = result.main.fit.iloc[0]
    done = table[table["error"].fillna("").eq("")] if "error" in table else table
    years = "; ".join(
        dict.fromkeys(
            text("programme.scm.years_used", lang, pre=r.pre_years, post=r.post_years)
            for r in done.itertuples()
        )
    )
    breaks = breaks_between("pci", "overall", int(fit["start_year"]) - 1, 2100)
    out = [
        text(
            "programme.scm.subindex_intro",
            lang,
            years=years or "–",
            breaks=", ".join(map(str, breaks)) or "–",
        )
    ]
    for row in table.itertuples():
        name = text(f"names.indicator.pci.{row.indicator}", lang)
        if isinstance(getattr(row, "error", ""), str) and row.error:
            out.append(text("programme.scm.subindex_failed", lang, indicator=name, reason=row.error))
            continue
        key = "subindex_row_perfect" if float(row.pre_rmspe) < 0.05 else "subindex_row"
        out.append(
            plural(
                f"programme.scm.{key}",
                lang,
                int(row.n_post_years),
                indicator=name,
                gap=_number(float(row.mean_post_gap), lang),
                start_year=int(fit["start_year"]),
                pre_rmspe=_number(float(row.pre_rmspe), lang, 4),
                level=level_percent(float(row.level), lang),
                n_excluding=int(row.n_years_excluding_zero),
                n_years=int(row.n_post_years),
                p_value=_p(float(row.p_value), lang),
                p_5=_p(float(row.p_value_screen_5), lang),
            )
        )
    return out


def pre_period_coverage(panel: pd.DataFrame, start_year: int) -> pd.DataFrame:
    """Per index: ``index``, ``first_year`` held, ``complete_pre_years`` (years before
    ``start_year`` with an overall score for every province that year's PCI covers: 63 or 64)."""
    overall = panel[panel["indicator"].eq("overall") & panel["geography"].eq("provinces_63")]
    rows = []
    for index, frame in overall.groupby("index"):
        counts = frame[frame["year"] < start_year].groupby("year")["province_code"].nunique()
        rows.append(
            {
                "index": index,
                "first_year": int(frame["year"].min()),
                "complete_pre_years": int((counts >= 63).sum()),
            }
        )
    return pd.DataFrame(rows)


def reading(result: CounterfactualStudy, panel: pd.DataFrame, lang: str) -> list[str]:
    """What the comparison does and does not show, in ``lang``: what the result shows; selection
    on the outcome; contamination by the donors' own programmes; other reforms; the 2017
    revision; the short pre-period; why PCI; what PCI measures."""
    fit = result.main.fit.iloc[0]
    start = int(fit["start_year"])
    facts = evidence(result)
    n_pre = len(result.main.years[result.main.years["period"].eq("pre")])
    coverage = pre_period_coverage(panel, start)
    others = coverage[~coverage["index"].eq(str(fit["index"]))].sort_values("first_year")
    other_text = "; ".join(
        plural(
            "programme.scm.read_index_years",
            lang,
            int(r.complete_pre_years),
            index=text(f"programme.index.{r.index}", lang),
            first=r.first_year,
            n=r.complete_pre_years,
        )
        for r in others.itertuples()
    )
    return [
        text(
            "programme.scm.read_shows",
            lang,
            province=display_name(fit["province"], lang),
            start_year=start,
            gap=_number(float(facts["gap"]), lang),
            low=_number(float(facts["low"]), lang),
            high=_number(float(facts["high"]), lang),
        ),
        text("programme.scm.read_selection", lang, province=display_name(fit["province"], lang)),
        text("programme.scm.read_contamination", lang, province=display_name(fit["province"], lang)),
        text("programme.scm.limit_other_reforms", lang),
        text("programme.scm.read_revision", lang),
        text(
            "programme.scm.read_short_pre",
            lang,
            n_pre=n_pre,
            pre_years=fit["pre_years"],
            n_donors=int(fit["n_donors"]),
            n_p=n_pre + 1,
        ),
        text("programme.scm.read_why_pci", lang, start_year=start, n_pre=n_pre, others=other_text),
        text("programme.scm.read_measures", lang),
    ]


def card_table(result: CounterfactualStudy, lang: str) -> pd.DataFrame:
    """The robustness card for people: ``check`` (in ``lang``, as the chart labels it),
    ``n_donors``, ``pre_rmspe``, ``mean_post_gap``, ``p_value``, ``n_runs`` — numbers as text in
    ``lang``'s format, "–" where a check has none (AugSynth and leave-one-out have no placebo
    test). The same rows as the card's CSV, in its order."""
    from ..plots.counterfactual import check_label

    card = result.robustness
    return pd.DataFrame(
        {
            "check": [check_label(row, lang) for row in card.itertuples()],
            "n_donors": ["–" if pd.isna(n) else str(int(n)) for n in card["n_donors"]],
            "pre_rmspe": [_p(v, lang) if pd.notna(v) else "–" for v in card["pre_rmspe"]],
            "mean_post_gap": ["–" if pd.isna(v) else _number(float(v), lang) for v in card["mean_post_gap"]],
            "p_value": [_p(v, lang) for v in card["p_value"]],
            "n_runs": ["–" if pd.isna(v) else str(int(v)) for v in card["n_runs"]],
        }
    )


def interval_table(result: CounterfactualStudy, lang: str) -> pd.DataFrame:
    """The yearly intervals for people: ``year``, ``gap``, ``lower``, ``upper`` (points, text in
    ``lang``'s format; "–" where a year has no interval)."""
    bands = result.intervals
    return pd.DataFrame(
        {
            "year": bands["year"].astype(int),
            "gap": [_number(float(v), lang) for v in bands["gap"]],
            # no interval in a year whose point estimate the test rejects: a dash
            "lower": ["–" if pd.isna(v) else _number(float(v), lang) for v in bands["lower"]],
            "upper": ["–" if pd.isna(v) else _number(float(v), lang) for v in bands["upper"]],
        }
    )
