"""Data quality: coverage, gaps and conflicts per index and year."""

from __future__ import annotations

import re

import pandas as pd

from ..meta import index_id


def coverage_overview(coverage: pd.DataFrame) -> pd.DataFrame:
    """Headline coverage per index and year: the share (%) of the units ranked with a score held
    (rows ``(index, geography)``, columns years). An index-year held whose number of units ranked
    no source gives (ICT 2006–2008) has no share: it is listed in ``attrs["share_unknown"]`` as
    ``(index, geography, year)``, so that a chart tells it from an index-year not held."""
    overall = coverage[coverage["indicator"].eq("overall")]
    table = overall.pivot_table(
        index=["index", "geography"], columns="year", values="score_share_pct", aggfunc="first"
    )
    counts = [overall[c] for c in ("n_held", "n_score") if c in overall]  # units with a value held
    held = counts[0].gt(0).fillna(False) if counts else pd.Series(False, index=overall.index)
    unknown = overall[overall["score_share_pct"].isna() & held]
    table.attrs["share_unknown"] = [
        (str(i), str(g), int(y))
        for i, g, y in unknown[["index", "geography", "year"]].itertuples(index=False)
    ]
    return table


def gaps(panel: pd.DataFrame, index: str, indicator: str = "overall") -> pd.DataFrame:
    """Per year, how many of the ranked units have no score and no rank (``index``: any case)."""
    index = index_id(index)
    rows = panel[
        panel["index"].eq(index) & panel["indicator"].eq(indicator) & panel["geography"].eq("provinces_63")
    ]
    per_year = (
        rows.groupby("year")
        .agg(with_value=("province_code", "nunique"), n_ranked=("n_ranked", "max"))
        .reset_index()
    )
    per_year["missing"] = per_year["n_ranked"] - per_year["with_value"]
    return per_year


def conflict_summary(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Number of disagreements per index and field, with the years they concern."""
    return (
        conflicts.groupby(["index", "field"])
        .agg(conflicts=("year", "size"), years=("year", lambda y: ", ".join(str(v) for v in sorted(set(y)))))
        .reset_index()
    )


def sources_by_class(indices: pd.DataFrame) -> pd.DataFrame:
    """How many values of each index come from each class of source (publisher's file,
    publisher's site, government site, press, third-party compilation), with the hosts cited.

    Reads the ``source_class`` column of ``indices`` (the class clean gave each row), so the
    counts are the data's. Columns: index, source_class, precedence (1 = strongest), values
    (rows), sources (distinct URLs), years (the years those rows cover, a sorted tuple of ints),
    hosts (distinct sites, comma-separated: :func:`site`, a compilation by its repository);
    ordered by index, then precedence. Source classes: meta/source_classes.csv.
    """
    from ..meta import source_classes

    classes = source_classes()
    precedence = dict(zip(classes["class"], classes["precedence"].astype(int), strict=True))
    frame = indices[["index", "source_class", "source_url"]].astype("string")
    frame = frame.assign(host=frame["source_url"].map(site), year=indices["year"].astype("Int64"))
    return (
        frame.groupby(["index", "source_class"], dropna=False)
        .agg(
            values=("source_url", "size"),
            sources=("source_url", "nunique"),
            years=("year", lambda y: tuple(sorted({int(v) for v in y.dropna()}))),
            hosts=("host", lambda h: ", ".join(sorted(set(h)))),
        )
        .reset_index()
        .assign(precedence=lambda f: f["source_class"].map(precedence).astype("Int64"))
        .loc[:, ["index", "source_class", "precedence", "values", "sources", "years", "hosts"]]
        .sort_values(["index", "precedence"], kind="stable")
        .reset_index(drop=True)
    )


# hosts of compilations, where the repository (or dataset) is what names the compiler
_REPOSITORY_HOSTS = {"github.com": 2, "raw.githubusercontent.com": 2, "huggingface.co": 3}


def site(url: object) -> str:
    """Where a value comes from, as a reader names it: the host without ``www.``, and for a
    repository host its repository (``github.com/hnks-gh/ml-mcdm``, ``huggingface.co/datasets/x/y``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(str(url))
    host = (parts.hostname or "").removeprefix("www.")
    depth = _REPOSITORY_HOSTS.get(host)
    if depth is None:
        return host
    path = [p for p in parts.path.split("/") if p][:depth]
    host = "github.com" if host == "raw.githubusercontent.com" else host
    return "/".join([host, *path])


def _host(url: object) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(str(url)).hostname or "").removeprefix("www.")


# why a value was left out, from the reason the importer wrote (meta.url_problem, source_rows)
_LOSS_REASONS = (
    ("refused_host", re.compile(r"^refused host (?P<host>[^\s(]+)")),
    ("bare_ip", re.compile(r"^a bare IP address \((?P<host>[^)]+)\)")),
    (
        "other_province_portal",
        re.compile(
            r"^another province's portal \((?P<province>[^,]+), (?P<host>[^)]+)\) "
            r"cited for (?P<subject>.+?)'s own"
        ),
    ),
)
# which table a reference file feeds: an index, the CPI, or the programme's facts
_LOSS_TOPICS = {"pci": "pci", "papi": "papi", "cpi": "cpi", "quang_ninh": "programme"}


def _loss_topic(reference_file: str) -> str:
    folder, _, name = str(reference_file).partition("/")
    if folder in _LOSS_TOPICS:
        return _LOSS_TOPICS[folder]
    stem = name.rsplit(".", 1)[0].removeprefix("more_").removesuffix("_index")
    return stem or folder


def losses(lost: pd.DataFrame) -> pd.DataFrame:
    """The values left out for a refused source (the ``lost_values`` table), one row each, with
    what a reader needs to tell why.

    Columns: topic (an index id such as ``par``, or ``cpi`` / ``programme``), year (text, may be
    empty), province (as the source spelled it), item, value (as printed: ``score 91.04 / rank
    1``), source_url, host (the refused host or address), reason_kind (``refused_host``,
    ``bare_ip``, ``other_province_portal``, or ``other``), reason (the importer's words, English),
    other_province and subject (for ``other_province_portal``: whose portal, and whose facts it was
    cited for), quote (the source's own words in Vietnamese where the reference gives them, else
    empty); ordered by topic, year, province, item.
    """
    records = []
    for row in lost.itertuples(index=False):
        kind, host, other, subject = "other", _host(row.source_url), "", ""
        for name, pattern in _LOSS_REASONS:
            found = pattern.match(str(row.reason))
            if found:
                kind, host = name, found["host"]
                other = found.groupdict().get("province") or ""
                subject = found.groupdict().get("subject") or ""
                break
        records.append(
            {
                "topic": _loss_topic(row.reference_file),
                "year": str(row.year),
                "province": str(row.province),
                "item": str(row.item),
                "value": str(row.value),
                "source_url": str(row.source_url),
                "host": host,
                "reason_kind": kind,
                "reason": str(row.reason),
                "other_province": other,
                "subject": subject,
                "quote": str(getattr(row, "quote", "") or ""),
            }
        )
    columns = [
        "topic", "year", "province", "item", "value", "source_url", "host", "reason_kind", "reason",
        "other_province", "subject", "quote",
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=columns).astype("string")
    return frame.sort_values(["topic", "year", "province", "item"], kind="stable").reset_index(drop=True)
