"""Rankings: plain functions from the index panel to the tidy frames that charts and notebooks use."""

from __future__ import annotations

import pandas as pd

from .. import meta
from ..meta import index_id
from ..provinces import members, provinces, units_2025

RANK_GEOGRAPHIES = {"63": "provinces_63", "34": "units_34"}


class NoDataError(ValueError):
    """The selection holds no value (wrong index, indicator, years or province)."""


def geography_name(geography: str) -> str:
    """The panel's name for a geography given as "63" or "34" (or by its name); others raise."""
    if geography in RANK_GEOGRAPHIES.values():
        return geography
    if str(geography) not in RANK_GEOGRAPHIES:
        raise ValueError(f"geography must be '63' or '34', not {geography!r}")
    return RANK_GEOGRAPHIES[str(geography)]


def select(
    panel: pd.DataFrame,
    index: str,
    indicator: str = "overall",
    geography: str = "63",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """The rows of one index (its id in any case: ``"PCI"`` or ``"pci"``) and indicator,
    optionally within years; raises :class:`NoDataError` for an unknown index and when empty."""
    try:
        index = index_id(index)
    except KeyError as err:
        raise NoDataError(err.args[0]) from None
    geo = geography_name(geography)
    rows = panel[panel["index"].eq(index) & panel["indicator"].eq(indicator) & panel["geography"].eq(geo)]
    if start_year is not None:
        rows = rows[rows["year"] >= start_year]
    if end_year is not None:
        rows = rows[rows["year"] <= end_year]
    if rows.empty:
        available = sorted(panel.loc[panel["index"].eq(index), "indicator"].unique())
        raise NoDataError(
            f"no {index} {indicator!r} values for geography {geography} in "
            f"{start_year}–{end_year}; indicators: {', '.join(available)}"
        )
    return rows.reset_index(drop=True)


def rank_order(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in the one order a chart, its alt text and the table beside it share: rank (best
    first, units without a rank last), then score (highest first, missing last), then unit code,
    so that tied units come in the same order everywhere."""
    keys = pd.DataFrame(
        {
            "rank": pd.to_numeric(rows["rank"], errors="coerce").astype(float).fillna(float("inf")),
            "score": -pd.to_numeric(rows["score"], errors="coerce").astype(float).fillna(float("-inf")),
            "code": rows["province_code"].astype(str),
        },
        index=rows.index,
    )
    order = keys.sort_values(["rank", "score", "code"], kind="stable").index
    return rows.loc[order]


def rank_matrix(rows: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """Province × year ranks; a province-year without a rank is NaN (a gap stays a gap)."""
    matrix = rows.pivot_table(index="province", columns="year", values="rank", aggfunc="first")
    if years is not None:
        matrix = matrix.reindex(columns=years)
    order = matrix.apply(lambda r: r.dropna().iloc[-1] if r.notna().any() else float("inf"), axis=1)
    return matrix.loc[order.sort_values(kind="stable").index]


def quartile(rows: pd.DataFrame) -> pd.Series:
    """Rank quartile (1 = best quarter) from rank and the number of units ranked."""
    share = (rows["rank"].astype("Float64") - 1) / rows["n_ranked"].astype("Float64")
    return (share * 4 // 1 + 1).clip(upper=4).astype("Int64")


def rank_change(rows: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Rank in two years and the change (positive = moved up), for units ranked in both."""
    wide = rows[rows["year"].isin([first_year, last_year])].pivot_table(
        index=["province_code", "province"], columns="year", values="rank", aggfunc="first"
    )
    wide = wide.reindex(columns=[first_year, last_year]).dropna().reset_index()
    wide.columns = ["province_code", "province", "rank_first", "rank_last"]
    wide["rank_change"] = wide["rank_first"] - wide["rank_last"]
    return wide.sort_values("rank_last", kind="stable").reset_index(drop=True)


def subindex_scores(panel: pd.DataFrame, index: str, year: int | None = None) -> pd.DataFrame:
    """The rows of ``panel`` (the indices table) with a sub-index score of ``index`` (its id) for
    the 63 provinces, in ``year`` or every year; for PAPI only its dimensions (the level the
    indicator registry gives them), which are compared, not its sub-dimensions. A dimension's
    score is the project's sum of its sub-dimensions or, where a source prints it, the printed
    value (``score_basis`` says which): both are the province's score."""
    rows = panel[
        panel["index"].eq(index)
        & panel["indicator"].ne("overall")
        & panel["geography"].eq("provinces_63")
        & panel["score"].notna()
    ]
    if year is not None:
        rows = rows[rows["year"].eq(year)]
    if index == "papi":
        rows = rows[rows["indicator"].isin(indicators_at_level(index, "dimension"))]
    return rows


def indicators_at_level(index: str, level: str) -> set[str]:
    """The indicators of ``index`` at ``level`` of the registry (``meta/indicators.csv``:
    ``overall``, ``subindex``, ``dimension``, ``subdimension`` …)."""
    table = meta.indicators()
    return set(table.loc[table["index"].eq(index) & table["level"].eq(level), "indicator"])


def profile(panel: pd.DataFrame, index: str, year: int, province_code: str) -> pd.DataFrame:
    """Every sub-indicator of ``index`` (any case) in ``year``: the province's score and the year's best."""
    index = index_id(index)
    rows = subindex_scores(panel, index, year)
    if rows.empty:
        raise NoDataError(f"no {index} sub-indicators in {year}")
    best = rows.sort_values("score", ascending=False).drop_duplicates("indicator")
    own = rows[rows["province_code"].eq(province_code)]
    table = best[["indicator", "score", "province"]].rename(
        columns={"score": "best_score", "province": "best_province"}
    )
    table = table.merge(own[["indicator", "score"]], on="indicator", how="left")
    return table.sort_values("indicator").reset_index(drop=True)


def list_units(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per row of ``rows`` (index rows grouped by ``keys``, e.g. index, indicator, year): True for a
    unit of the year's ranked list with a score held — a score with a rank, or any score in a year
    whose data hold no rank. A held score of a unit the publisher did not rank (PAPI 2022's Bắc
    Giang) is no member of the list: the list's median and its completeness leave it out."""
    scored = rows["score"].notna()
    ranked = rows["rank"].notna()
    any_rank = ranked.groupby([rows[k] for k in keys]).transform("any")
    return scored & (ranked | ~any_rank)


def list_completeness(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The one test of a complete list (a median is the list's middle only then): per ``keys``,
    ``n_score`` (units of the ranked list with a score held, :func:`list_units`), ``n_ranked``
    (units the publisher ranked) and ``complete`` (every ranked unit has a score held; the middle
    of a top list is no median)."""
    members = list_units(rows, keys)
    table = (
        rows.assign(_member=members)
        .groupby(keys)
        .agg(n_score=("_member", "sum"), n_ranked=("n_ranked", "max"))
    )
    table["n_score"] = table["n_score"].astype(int)
    table["complete"] = table["n_ranked"].notna() & table["n_score"].ge(table["n_ranked"].fillna(0))
    return table


def peers_and_median(
    panel: pd.DataFrame, index: str, province_code: str, indicator: str = "overall"
) -> pd.DataFrame:
    """Per year: the province's rank and score, its region's other provinces, and the national
    median score (of the units with a score that year; a median of a partial list is marked).

    Columns: those of :func:`select` (``n_ranked`` once: the units the publisher ranked), ``role``
    (``province`` / ``regional peer`` / ``other``), ``median_score`` (the year's median score
    held, of the ranked units), ``n_score`` (ranked units with a score held that year) and
    ``median_complete`` (every ranked unit has a score held: the median is the national one;
    :func:`list_completeness`, the one test)."""
    rows = select(panel, index, indicator)
    region = provinces()[province_code].region
    same_region = {c for c, p in provinces().items() if p.region == region}
    rows = rows.assign(
        role=rows["province_code"].map(
            lambda c: "province" if c == province_code else ("regional peer" if c in same_region else "other")
        )
    )
    listed = rows[list_units(rows, ["year"])]
    completeness = list_completeness(rows, ["year"])
    median = pd.DataFrame(
        {
            "median_score": listed.groupby("year")["score"].median().reindex(completeness.index),
            "n_score": completeness["n_score"],
            "median_complete": completeness["complete"],
        }
    ).reset_index()
    # the rows have their n_ranked already: merging a second one would leave n_ranked_x / n_ranked_y
    return rows.merge(median, on="year", how="left", validate="many_to_one")


def units_34_values(panel: pd.DataFrame, index: str, indicator: str, year: int) -> pd.DataFrame:
    """Values for the 34 units of 2025: published where the publisher gave them (DTI 2024), else
    the mean of the member provinces' scores, labelled as a derived aggregate (never a rank)."""
    published = panel[
        panel["index"].eq(index)
        & panel["indicator"].eq(indicator)
        & panel["year"].eq(year)
        & panel["geography"].eq("units_34")
    ]
    if not published.empty:
        return published.assign(value_basis="published")[
            ["province_code", "province", "score", "rank", "value_basis"]
        ]
    rows = panel[
        panel["index"].eq(index)
        & panel["indicator"].eq(indicator)
        & panel["year"].eq(year)
        & panel["geography"].eq("provinces_63")
    ]
    scores = rows.set_index("province_code")["score"]
    out = []
    for code, unit in units_2025().items():
        member_scores = [scores.get(p.gso_code) for p in members(code)]
        known = [s for s in member_scores if s is not None and pd.notna(s)]
        complete = len(known) == len(member_scores)
        out.append(
            {
                "province_code": code,
                "province": unit.name,
                "score": sum(known) / len(known) if complete else None,
                "rank": pd.NA,
                "value_basis": "derived: mean of member provinces"
                if len(member_scores) > 1
                else "published (unchanged unit)",
            }
        )
    return pd.DataFrame(out)


def map_values(
    panel: pd.DataFrame, rows: pd.DataFrame, index: str, indicator: str, year: int, geography: str
) -> tuple[pd.DataFrame, list[str]]:
    """The values a map of ``year`` shows, and its notes: the 63 provinces' rows, or the 34
    units' values (see :func:`units_34_values`) with how each was obtained."""
    if geography_name(geography) == "provinces_63":
        return rows[rows["year"].eq(year)], []
    values = units_34_values(panel, index, indicator, year)
    return values, sorted(set(values["value_basis"]))


def province_headline(panel: pd.DataFrame, province_code: str) -> pd.DataFrame:
    """One province's headline (overall) value on every index and year."""
    return panel[
        panel["province_code"].eq(province_code)
        & panel["indicator"].eq("overall")
        & panel["geography"].eq("provinces_63")
    ]


def latest_profile(panel: pd.DataFrame, index: str, province_code: str) -> tuple[int, pd.DataFrame] | None:
    """The latest year in which the province has a published sub-indicator of ``index``, with its
    :func:`profile`; None when it has none."""
    parts = panel[
        panel["index"].eq(index)
        & panel["province_code"].eq(province_code)
        & panel["indicator"].ne("overall")
        & panel["score"].notna()
    ]
    if parts.empty:
        return None
    year = int(parts["year"].max())
    return year, profile(panel, index, year, province_code)
