"""Checks across rows (in the spirit of PUDL's): facts that no single row can break alone.

- **Shared published ranks.** One source giving two provinces the same rank in one index, year,
  geography and indicator is refused unless that source's scores for them tie (equal at the
  printed precision) or it prints no score for one of them (a printed tie, "both 8th"); the
  problem names both rows' file and line.
- **Score range.** Every score of the panel, derived ones included, lies in its indicator's
  range (meta/indicators.csv); a derived score outside it is refused with its derivation.
- **Year-on-year jumps.** A province's change from one edition to the next far outside the
  index's usual spread of changes is listed for review in ``index_jumps`` — a list to read, not
  a refusal: jumps happen (see :func:`year_on_year_jumps`).
"""

from __future__ import annotations

import pandas as pd

from ..meta import indicators, series_breaks
from .problems import Problems, span_text
from .validate import KEY

GROUP = ["index", "year", "geography", "indicator"]
PLACE = ["index", "geography", "province_code", "indicator"]
# a spread needs enough changes to mean anything; a jump is this many spreads from the median
MIN_CHANGES_FOR_SPREAD = 20
JUMP_SPREADS = 4


def _tie(a: pd.Series, b: pd.Series, decimals_a: pd.Series, decimals_b: pd.Series) -> pd.Series:
    decimals = pd.concat([decimals_a, decimals_b], axis=1).min(axis=1).fillna(6).astype(float)
    return (a.astype(float) - b.astype(float)).abs() <= 0.5 * 10.0 ** (-decimals) + 1e-9


def check_shared_ranks(rows: pd.DataFrame, problems: Problems) -> None:
    """Refuse two provinces with one published rank from one source unless their scores tie."""
    ranked = rows[rows["rank"].notna() & rows["rank_basis"].ne("computed") & rows["province_code"].notna()]
    columns = [*GROUP, "rank", "source_url", "province_code", "score", "score_decimals", "file", "line"]
    ranked = ranked[columns].drop_duplicates([*GROUP, "rank", "source_url", "province_code"])
    # the source's own score for the province (from any of its rows), to test the tie
    scores = rows[rows["score"].notna()][[*KEY, "source_url", "score", "score_decimals"]]
    scores = scores.drop_duplicates([*KEY, "source_url"])
    ranked = ranked.drop(columns=["score", "score_decimals"]).merge(
        scores, on=[*KEY, "source_url"], how="left"
    )
    pairs = ranked.merge(ranked, on=[*GROUP, "rank", "source_url"], suffixes=("", "_other"))
    pairs = pairs[pairs["province_code"] < pairs["province_code_other"]]
    if pairs.empty:
        return
    both_scored = pairs["score"].notna() & pairs["score_other"].notna()
    tie = _tie(pairs["score"], pairs["score_other"], pairs["score_decimals"], pairs["score_decimals_other"])
    bad = pairs[both_scored & ~tie.fillna(False)]
    if bad.empty:
        return
    problems.rows(
        bad.assign(rank=bad["rank"].astype("string")),
        pd.Series(True, index=bad.index),
        "rank",
        "shared_rank_without_tie",
        lambda hit: (
            "this source ranks two provinces "
            + hit["rank"]
            + " but their scores differ ("
            + hit["score"].astype("string")
            + " here, "
            + hit["score_other"].astype("string")
            + " at "
            + hit["file_other"]
            + ":"
            + hit["line_other"].astype("string")
            + ")"
        ),
    )


def check_shared_ranks_across_sources(panel: pd.DataFrame, problems: Problems) -> None:
    """Refuse two provinces that two different sources put at one published rank when the
    panel's scores for them differ (one source per rank is checked by :func:`check_shared_ranks`)."""
    if "rank_file" not in panel.columns:
        return
    ranked = panel[panel["rank"].notna() & panel["rank_basis"].eq("published")]
    columns = [*GROUP, "rank", "province_code", "score", "score_decimals", "rank_source_url"]
    ranked = ranked[[*columns, "rank_file", "rank_line"]]
    pairs = ranked.merge(ranked, on=[*GROUP, "rank"], suffixes=("", "_other"))
    pairs = pairs[
        (pairs["province_code"] < pairs["province_code_other"])
        & pairs["rank_source_url"].ne(pairs["rank_source_url_other"])
        & pairs["score"].notna()
        & pairs["score_other"].notna()
    ]
    tie = _tie(pairs["score"], pairs["score_other"], pairs["score_decimals"], pairs["score_decimals_other"])
    bad = pairs[~tie.fillna(False)]
    if bad.empty:
        return
    problems.rows(
        bad.rename(columns={"rank_file": "file", "rank_line": "line"}).assign(
            rank=bad["rank"].astype("string")
        ),
        pd.Series(True, index=bad.index),
        "rank",
        "shared_rank_without_tie",
        lambda hit: (
            "two sources rank two provinces "
            + hit["rank"]
            + " but their scores differ ("
            + hit["score"].astype("string")
            + ", "
            + hit["score_other"].astype("string")
            + "); the other rank is at "
            + hit["rank_file_other"]
            + ":"
            + hit["rank_line_other"].astype("string")
        ),
    )


def _scales() -> pd.DataFrame:
    """Each indicator's valid range (its scale): ``index``, ``indicator``, ``min``, ``max``
    (``meta/indicators.csv``)."""
    return indicators().drop_duplicates(["index", "indicator"])[["index", "indicator", "min", "max"]]


def check_score_ranges(panel: pd.DataFrame, problems: Problems) -> None:
    """Refuse a score (published or derived) outside its indicator's range."""
    ranges = _scales()
    scored = panel[panel["score"].notna()].merge(ranges, on=["index", "indicator"], how="left")
    out = (scored["score"] < scored["min"]) | (scored["score"] > scored["max"])
    hit = scored[out.fillna(False)]
    if hit.empty:
        return
    problems.rows(
        hit.assign(file=hit.get("file", "(panel)"), line=hit.get("line", 0)),
        pd.Series(True, index=hit.index),
        "score",
        "out_of_range",
        lambda h: (
            "score outside "
            + span_text(h["min"], h["max"])
            + " for "
            + h["index"]
            + " "
            + h["indicator"]
            + " ("
            + h["note"].fillna("published").astype("string")
            + ")"
        ),
    )


# the normal distribution's standard deviation is 1.4826 × its median absolute deviation
MAD_TO_SD = 1.4826


def _median_and_spread(values: pd.Series, keys: list[pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Per row, its group's median and usual spread: a robust standard deviation, 1.4826 × the
    median absolute deviation from that median."""
    median = values.groupby(keys).transform("median")
    return median, MAD_TO_SD * (values - median).abs().groupby(keys).transform("median")


def year_on_year_jumps(panel: pd.DataFrame) -> pd.DataFrame:
    """Changes between consecutive editions far outside the index's usual spread of changes.

    The usual spread of an index's indicator is a robust standard deviation of all its
    provinces' year-on-year changes (1.4826 × the median absolute deviation from the median
    change); a change more than :data:`JUMP_SPREADS` such spreads from the median change is
    listed. Only consecutive editions (no gap year) are compared, and no change across a series
    break of ``meta/series_breaks.csv`` (PAPI's 2018 redesign, PCI's 2017 revision).

    Columns: index, geography, province_code, province, indicator, year (the later edition),
    previous_year, score, previous_score, change, usual_spread (index points).
    """
    columns = [
        *PLACE[:3],
        "province",
        "indicator",
        "year",
        "previous_year",
        "score",
        "previous_score",
        "change",
        "usual_spread",
    ]
    scored = panel[panel["score"].notna()][[*PLACE, "province", "year", "score"]]
    ordered = scored.sort_values([*PLACE, "year"], kind="stable")
    previous = ordered.groupby(PLACE)[["year", "score"]].shift(1)
    ordered = ordered.assign(previous_year=previous["year"], previous_score=previous["score"])
    ordered = ordered[ordered["previous_score"].notna() & ordered["previous_year"].eq(ordered["year"] - 1)]
    across_break = pd.Series(False, index=ordered.index)
    for row in series_breaks().itertuples(index=False):  # PAPI 2018, PCI 2017 (every sub-index) …
        across_break |= (
            ordered["index"].eq(row.index)
            & ordered["indicator"].eq(row.indicator)
            & ordered["previous_year"].lt(int(row.year))
            & ordered["year"].ge(int(row.year))
        )
    ordered = ordered[~across_break]
    ordered["change"] = (ordered["score"] - ordered["previous_score"]).astype(float)
    by = ordered.groupby(["index", "geography", "indicator"])["change"]
    median, ordered["usual_spread"] = _median_and_spread(
        ordered["change"], [ordered[c] for c in ("index", "geography", "indicator")]
    )
    enough = by.transform("count") >= MIN_CHANGES_FOR_SPREAD
    far = (ordered["change"] - median).abs() > JUMP_SPREADS * ordered["usual_spread"]
    jumps = ordered[enough & far & ordered["usual_spread"].gt(0)]
    jumps = jumps.astype({"previous_year": "Int64", "year": "Int64"})
    return jumps[columns].sort_values([*PLACE, "year"], kind="stable").reset_index(drop=True)


IMPLAUSIBLE_MIN_OTHERS = 20  # a range needs at least this many other scores
IMPLAUSIBLE_SPREADS = 8  # and the score lies this many usual spreads (1.4826 × MAD) from their median
IMPLAUSIBLE_MARGIN = 0.1  # of the indicator's scale, beyond the other scores' range


class ImplausibleValueWarning(UserWarning):
    """A score far outside its index's range that a publisher-class source gives."""


def _without_self(values: pd.Series, keys: list[pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Per row, the smallest and largest value of its group leaving the row itself out."""
    by = values.groupby(keys)
    low1, high1 = by.transform("min"), by.transform("max")
    n_low = values.eq(low1).groupby(keys).transform("sum")
    n_high = values.eq(high1).groupby(keys).transform("sum")
    low2 = values.where(values.ne(low1)).groupby(keys).transform("min")
    high2 = values.where(values.ne(high1)).groupby(keys).transform("max")
    low = low1.where(values.ne(low1) | n_low.gt(1), low2)
    high = high1.where(values.ne(high1) | n_high.gt(1), high2)
    return low, high


def implausible_scores(panel: pd.DataFrame) -> pd.DataFrame:
    """Scores far outside the range of the index's other scores for that indicator and geography
    in every edition (a top list's year alone says little of the range): below ``low - margin``
    or above ``high + margin``, ``margin`` a tenth of the indicator's scale, and more than 8 usual
    spreads (1.4826 × MAD) from their median, where at least 20 other scores exist. Columns: the panel's,
    with ``low``, ``high`` (all editions) and ``year_low``, ``year_high`` (that edition)."""
    scored = panel[panel["score"].notna()].copy()
    scored["score"] = scored["score"].astype(float)
    place = [scored[c] for c in ("index", "geography", "indicator")]
    edition = [*place, scored["year"]]
    low, high = _without_self(scored["score"], place)
    year_low, year_high = _without_self(scored["score"], edition)
    others = scored["score"].groupby(place).transform("count") - 1
    ranges = _scales()
    span = scored[["index", "indicator"]].merge(ranges, how="left", on=["index", "indicator"])
    margin = IMPLAUSIBLE_MARGIN * (span["max"] - span["min"]).to_numpy()
    median, spread = _median_and_spread(scored["score"], place)
    far = (
        others.ge(IMPLAUSIBLE_MIN_OTHERS)
        & (scored["score"].lt(low - margin) | scored["score"].gt(high + margin))
        & (scored["score"] - median).abs().gt(IMPLAUSIBLE_SPREADS * spread)
    )
    return scored[far].assign(low=low[far], high=high[far], year_low=year_low[far], year_high=year_high[far])


def check_implausible_scores(panel: pd.DataFrame, problems: Problems) -> None:
    """Refuse a score far outside its index-year's range (:func:`implausible_scores`) that only a
    press or third-party source gives, naming file, line, value and the range; one a
    publisher-class source gives is published with a warning naming it."""
    import warnings

    from ..meta import classify_sources

    hit = implausible_scores(panel)
    if hit.empty:
        return
    precedence = classify_sources(hit["source_url"])["source_precedence"].astype(int)
    relayed = precedence.ge(4).to_numpy()
    refused = hit[relayed].assign(file=lambda h: h["score_file"], line=lambda h: h["score_line"].astype(int))
    problems.rows(
        refused,
        pd.Series(True, index=refused.index),
        "score",
        "implausible_value",
        lambda h: (
            "score far outside the index's range (other scores of every edition "
            + span_text(h["low"], h["high"])
            + "; this edition "
            + span_text(h["year_low"], h["year_high"])
            + ") and only the press or a third party gives it"
        ),
    )
    for row in hit[~relayed].itertuples(index=False):
        warnings.warn(
            f"{row.score_file}:{int(row.score_line)}: {row.index} {row.year} {row.province_code} "
            f"{row.indicator} "
            f"score {row.score:g} is far outside the index's range {row.low:g}–{row.high:g} (published: "
            "a publisher-class source gives it)",
            ImplausibleValueWarning,
            stacklevel=2,
        )
