"""Parse and check source rows, all rules vectorised, every failure recorded with its file and line.

Rules: year an integer among the index's published years; province known (with suggestions) in
the row's geography (provinces_63 where the cell is empty); indicator in the name-mapping table;
score a number (decimal comma or point) within the indicator's range; rank an integer in 1..n
(n = units the publisher ranked, meta/index_editions.csv); some value in the row; and one source
never giving two different values for one key. The reader (``read``) has already checked the
columns, the allowed values and the source URLs.
"""

from __future__ import annotations

import contextlib

import pandas as pd

from ..meta import DEFAULT_GEOGRAPHY, editions, indicators, indices, n_ranked
from ..provinces import provinces, resolve_2025, resolve_codes, suggest, units_2025
from ..provinces.registry import UnknownProvinceError
from .problems import Problems, span_text

KEY = ["index", "year", "geography", "province_code", "indicator"]


def parse_decimal(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers printed with a decimal point or a decimal comma ("79,21"); returns the values and
    the number of decimals printed. Anything else (letters, two separators) is NaN."""
    text = text.astype("string").str.strip()
    comma_decimal = text.str.fullmatch(r"[-+]?\d+,\d+")
    normalised = text.where(~comma_decimal.fillna(False), text.str.replace(",", ".", regex=False))
    valid = normalised.str.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?").fillna(False)
    values = pd.to_numeric(normalised.where(valid), errors="coerce").astype("Float64")
    point = normalised.str.find(".")
    decimals = (normalised.str.len() - point - 1).where(point >= 0, 0).astype("Int64")
    return values, decimals.where(valid)


def _resolve_provinces(rows: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    geography = rows["geography"].where(rows["geography"].ne(""), DEFAULT_GEOGRAPHY)
    rows = rows.assign(geography=geography)
    merged = geography.eq("units_34")
    codes = resolve_codes(rows["province"].where(~merged), errors="coerce")
    for name in rows.loc[merged, "province"].unique():
        with contextlib.suppress(UnknownProvinceError):
            codes[merged & (rows["province"] == name)] = resolve_2025(name).code_2025
    unknown = codes.isna() & rows["province"].ne("")
    names = {n: suggest(n) for n in rows.loc[unknown, "province"].unique()}
    problems.rows(
        rows,
        unknown,
        "province",
        "unknown_province",
        # the resolver's own message: suggestions and the code points that differ from the first
        lambda hit: hit["province"].map(lambda n: str(UnknownProvinceError(n, names[n]))),
    )
    canonical = {c: p.name for c, p in provinces().items()}
    canonical_2025 = {c: u.name for c, u in units_2025().items()}
    rows["province_code"] = codes
    rows["province_name"] = codes.where(merged).map(canonical_2025).fillna(codes.map(canonical))
    return rows


def _check_years(rows: pd.DataFrame, problems: Problems) -> pd.Series:
    year = pd.to_numeric(
        rows["year"].where(rows["year"].str.fullmatch(r"\d{4}").fillna(False)), errors="coerce"
    ).astype("Int64")
    problems.rows(
        rows, year.isna() & rows["year"].ne(""), "year", "bad_year", "year is not a four-digit year"
    )
    allowed = pd.MultiIndex.from_tuples(
        [(i, y) for i, info in indices().items() for y in info.years], names=["index", "year"]
    )
    outside = year.notna() & ~pd.MultiIndex.from_arrays([rows["index"], year.fillna(0)]).isin(allowed)
    problems.rows(
        rows,
        outside,
        "year",
        "year_not_published",
        lambda hit: hit["index"].map(
            lambda i: f"{i} was not published for this year ({indices()[i].note or 'see indices.csv'})"
        ),
    )
    return year


def _check_editions(rows: pd.DataFrame, year: pd.Series, problems: Problems) -> None:
    """A published year must also have an edition for the row's geography (DTI 2024 has two)."""
    known = editions()
    published = year.notna() & pd.MultiIndex.from_arrays([rows["index"], year.fillna(0)]).isin(
        pd.MultiIndex.from_frame(known[["index", "year"]])
    )
    has_edition = pd.MultiIndex.from_arrays([rows["index"], year.fillna(0), rows["geography"]]).isin(
        pd.MultiIndex.from_frame(known[["index", "year", "geography"]])
    )
    problems.rows(
        rows,
        published & ~has_edition,
        "geography",
        "no_edition",
        lambda hit: (
            hit["index"]
            + " "
            + year[hit.index].astype("string")
            + " was not published for "
            + hit["geography"]
            + " (src/egov_analysis/meta/index_editions.csv)"
        ),
    )


def _check_scores(rows: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    score, decimals = parse_decimal(rows["score"])
    given = rows["score"].ne("")
    problems.rows(
        rows,
        given & score.isna(),
        "score",
        "not_a_number",
        "score is not a number (decimal point or comma, no units)",
    )
    out = score.notna() & ((score < rows["min"]) | (score > rows["max"]))
    problems.rows(
        rows,
        out,
        "score",
        "out_of_range",
        lambda hit: (
            "score outside "
            + span_text(hit["min"], hit["max"])
            + " for "
            + hit["index"]
            + " "
            + hit["indicator"]
        ),
    )
    return rows.assign(score=score.where(~out), score_decimals=decimals)


def _check_ranks(rows: pd.DataFrame, year: pd.Series, problems: Problems) -> pd.DataFrame:
    given = rows["rank"].ne("")
    integer = rows["rank"].str.fullmatch(r"\d+(\.0+)?").fillna(False)
    rank = pd.to_numeric(rows["rank"].where(integer), errors="coerce").astype("Int64")
    groups = pd.DataFrame({"index": rows["index"], "year": year, "geography": rows["geography"]})
    distinct = groups.drop_duplicates().dropna()
    distinct["limit"] = [n_ranked(i, int(y), g) for i, y, g in distinct.itertuples(index=False)]
    limit = groups.merge(distinct.astype({"limit": "Int64"}), how="left", on=["index", "year", "geography"])[
        "limit"
    ].set_axis(rows.index)
    negative = rows["rank"].str.strip().str.fullmatch(r"-\d+(\.0+)?").fillna(False)
    problems.rows(
        rows, given & negative, "rank", "rank_out_of_range", "rank is negative: ranks start at 1 (1 = best)"
    )
    problems.rows(rows, given & ~integer & ~negative, "rank", "bad_rank", "rank is not a whole number")
    bad = rank.notna() & ((rank < 1) | (limit.notna() & (rank > limit)))
    problems.rows(
        rows,
        bad,
        "rank",
        "rank_out_of_range",
        lambda hit: (
            "rank outside 1.." + limit[hit.index].astype("string").fillna("n") + " (units ranked that year)"
        ),
    )
    basis = rows["rank_basis"].where(rows["rank_basis"].ne(""), "published").where(given, "")
    return rows.assign(rank=rank.where(~bad), rank_basis=basis)


def _check_same_source_conflicts(rows: pd.DataFrame, problems: Problems) -> None:
    known = rows["province_code"].notna()
    for field in ("score", "rank", "tier"):
        present = rows[known & rows[field].notna()][[*KEY, "source_url", field, "file", "line"]]
        values = present.drop_duplicates([*KEY, "source_url", field])
        twice = values[values.duplicated([*KEY, "source_url"], keep=False)]
        clash = present.merge(twice[[*KEY, "source_url"]].drop_duplicates(), on=[*KEY, "source_url"])
        problems.rows(
            clash,
            pd.Series(True, index=clash.index),
            field,
            "conflict_within_source",
            f"this source gives another {field} for the same province, year and indicator",
        )


def validate(raw: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Typed, checked source rows. Rows with problems are recorded in ``problems``."""
    rows = raw.copy()
    year = _check_years(rows, problems)
    rows = _resolve_provinces(rows, problems)
    _check_editions(rows, year, problems)
    mapping = indicators().rename(columns={"indicator": "indicator_std", "label": "indicator"})
    rows = rows.merge(mapping, on=["index", "indicator"], how="left", validate="many_to_one")
    problems.rows(
        rows,
        rows["indicator_std"].isna() & rows["indicator"].ne(""),
        "indicator",
        "unknown_indicator",
        lambda hit: (
            "indicator not in the name-mapping table for "
            + hit["index"]
            + " (add it to src/egov_analysis/meta/indicators.csv)"
        ),
    )
    blank = rows["score"].eq("") & rows["rank"].eq("") & rows["tier"].eq("")
    problems.rows(rows, blank, "score", "no_value", "the row gives no score, rank or tier")
    rows = _check_scores(rows, problems)
    rows = _check_ranks(rows, year, problems)
    rows = rows.assign(
        year=year, indicator=rows["indicator_std"], tier=rows["tier"].where(rows["tier"].ne(""))
    )
    _check_same_source_conflicts(rows, problems)
    return rows.drop(columns=["indicator_std", "min", "max"])
