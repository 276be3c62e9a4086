"""Profiles of one province (before July 2025) or one unit of July 2025: what each index gave it over
time, its sub-indices against the best and the median province, its region's peers, and, for a
unit, its member provinces' histories with their mean marked as derived.

>>> who = subject("Quảng Ninh", "63")                     # doctest: +SKIP
>>> history(panel, who)                                   # doctest: +SKIP

Every frame keeps ``value_basis``: ``published`` for what a publisher released, ``derived: mean of
member provinces`` for a mean the project computed (never a rank); a gap stays a gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..formatting import is_computed
from ..provinces import display_name, provinces, resolve, resolve_2025, units_2025
from .findings import Findings
from .rankings import NoDataError, geography_name, subindex_scores

PUBLISHED = "published"
COMPUTED = "computed"
DERIVED_MEAN = "derived: mean of member provinces"
MEMBER = "member province"
PREDECESSOR = "merged into it"
OWN = "profile"  # the role of the subject's own published values in a history


@dataclass(frozen=True)
class Subject:
    """Whom a profile is about. ``geography``: ``provinces_63`` or ``units_34``; ``code``: the GSO
    code or the 2025 unit code; ``members``: the pre-2025 provinces whose histories it carries (the
    province itself, then any province merged into it before 2025, as Hà Tây into Hà Nội; for a unit,
    the provinces that formed it); ``regions``: their regions, in registry order."""

    code: str
    name: str
    geography: str
    members: tuple[str, ...]
    predecessors: tuple[str, ...]
    regions: tuple[str, ...]

    def display_name(self, lang: str) -> str:
        """The name a reader of ``lang`` knows (``TP. Hồ Chí Minh``); :attr:`name` stays the key."""
        return display_name(self.name, lang)

    @property
    def is_unit(self) -> bool:
        return self.geography == "units_34"

    @property
    def merged(self) -> bool:
        """A unit formed from more than one province (its mean over members is derived)."""
        return self.is_unit and len(self.members) > 1


def subject(name: str, geography: str = "63") -> Subject:
    """The province (``geography`` "63") or the 2025 unit ("34") that ``name`` means, any spelling.
    Raises :class:`~egov_analysis.provinces.UnknownProvinceError` for an unknown name and
    ``ValueError`` for a geography other than "63" or "34"."""
    geo = geography_name(geography)
    everyone = provinces()
    if geo == "units_34":
        unit = resolve_2025(name)
        members = unit.member_codes
        predecessors = tuple(c for c, p in everyone.items() if p.merged_into in members)
        code, shown = unit.code_2025, unit.name
    else:
        province = resolve(name)
        if province.merged_into:
            raise ValueError(
                f"{province.name} merged into {everyone[province.merged_into].name}: its history is in "
                f"that province's profile"
            )
        code, shown = province.gso_code, province.name
        members = (code,)
        predecessors = tuple(c for c, p in everyone.items() if p.merged_into == code)
    regions = tuple(dict.fromkeys(everyone[c].region for c in members))
    return Subject(code, shown, geo, tuple(members), predecessors, regions)


def history(panel: pd.DataFrame, who: Subject) -> pd.DataFrame:
    """Every headline (``overall``) value held for ``who``, by index and year, with the national
    median score of the year.

    Columns: index, year, geography, province_code, province, role (``profile``: the subject's own
    published value; ``member province``; ``merged into it``; ``derived: mean of member
    provinces``), rank, n_ranked, score, tier, rank_basis, score_basis (computed: a PAPI total,
    a sum of its dimensions), value_basis, median_score, n_score,
    median_complete (the median is of a complete list). A unit's mean is given only for a year in
    which every member has a score and the publisher released no value for the unit; it never has
    a rank."""
    headline = panel[panel["indicator"].eq("overall")]
    if "score_basis" not in headline:  # a panel without statuses holds published scores
        headline = headline.assign(score_basis=PUBLISHED)
    provinces_63 = headline[headline["geography"].eq("provinces_63")]
    median = (
        provinces_63.groupby(["index", "year"])
        .agg(median_score=("score", "median"), n_score=("score", "count"), n_ranked_all=("n_ranked", "max"))
        .reset_index()
    )
    median["median_complete"] = median["n_score"].eq(median["n_ranked_all"])
    keep = ["index", "year", "geography", "province_code", "province", "rank", "n_ranked", "score", "tier"]
    keep += ["rank_basis", "score_basis", "source_url", "rank_source_url", "note"]
    parts = []
    if who.is_unit:
        own = headline[headline["geography"].eq("units_34") & headline["province_code"].eq(who.code)]
        parts.append(own[keep].assign(role=OWN, value_basis=PUBLISHED))
        members = provinces_63[provinces_63["province_code"].isin(who.members)]
        parts.append(members[keep].assign(role=MEMBER, value_basis=PUBLISHED))
        if who.merged:  # a mean only where the publisher released nothing for the unit
            means = _member_means(provinces_63, who)
            released = set(zip(own["index"], own["year"], strict=True))
            parts.append(means[[k not in released for k in zip(means["index"], means["year"], strict=True)]])
    else:
        own = provinces_63[provinces_63["province_code"].eq(who.code)]
        parts.append(own[keep].assign(role=OWN, value_basis=PUBLISHED))
    before = provinces_63[provinces_63["province_code"].isin(who.predecessors)]
    parts.append(before[keep].assign(role=PREDECESSOR, value_basis=PUBLISHED))
    found = [p for p in parts if not p.empty]
    rows = (
        pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*keep, "role", "value_basis"])
    )
    rows = rows.merge(median.drop(columns="n_ranked_all"), on=["index", "year"], how="left")
    order = {"profile": 0, DERIVED_MEAN: 1, MEMBER: 2, PREDECESSOR: 3}
    rows = rows.assign(_order=rows["role"].map(order))
    return (
        rows.sort_values(["index", "year", "_order", "province"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _member_means(provinces_63: pd.DataFrame, who: Subject) -> pd.DataFrame:
    """The mean score of a merged unit's members per index and year where every member has one."""
    rows = provinces_63[provinces_63["province_code"].isin(who.members) & provinces_63["score"].notna()]
    found = rows.groupby(["index", "year"]).agg(score=("score", "mean"), n=("score", "count")).reset_index()
    found = found[found["n"].eq(len(who.members))].drop(columns="n")
    return found.assign(
        geography="units_34",
        province_code=who.code,
        province=who.name,
        rank=pd.NA,
        n_ranked=pd.NA,
        tier=pd.NA,
        rank_basis=pd.NA,
        source_url=pd.NA,
        rank_source_url=pd.NA,
        note=pd.NA,
        role=DERIVED_MEAN,
        value_basis=DERIVED_MEAN,
    )


def own_values(history_rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`history` that are the subject's own published values (role ``profile``)."""
    return history_rows[history_rows["role"].eq(OWN)]


def ranks_over_time(history_rows: pd.DataFrame) -> pd.DataFrame:
    """The ranks a rank chart of the profile draws: the subject's own, else (a unit with no rank of
    its own for an index) its members' published ranks, one line per member."""
    ranked = history_rows[history_rows["rank"].notna() & history_rows["role"].ne(DERIVED_MEAN)]
    return ranked.reset_index(drop=True)


def subindex_profile(panel: pd.DataFrame, index: str, year: int, who: Subject) -> pd.DataFrame:
    """Every sub-index (PAPI: dimension) of ``index`` in ``year``: the subject's score, the best
    province's and the median of the provinces with a score.

    Columns: indicator, score, value_basis, best_score, best_basis, best_province, median_score,
    median_basis, n_scored, n_third_party (of the scores behind the best and the median, those
    a third party's compilation holds). A merged unit's score is the mean of its members' (derived;
    only where every member has one); a PAPI dimension is the project's sum of published
    sub-dimensions (its rows' ``score_basis``: computed) or a value a source prints (published),
    and so is the best province's; the median is computed where it is the mean of two scores or
    of computed ones.
    Raises :class:`NoDataError` when the year has no sub-index score."""
    rows = subindex_scores(panel, index, year)
    if rows.empty:
        raise NoDataError(f"no {index} sub-index scores in {year}")
    best = rows.sort_values(["score", "province"], ascending=[False, True]).drop_duplicates("indicator")
    stats = rows.groupby("indicator").agg(median_score=("score", "median"), n_scored=("score", "count"))
    # the best and the median come from every province's score: how many a third party compiled
    compiled = rows["source_class"].eq("third_party_compilation") if "source_class" in rows else None
    stats["n_third_party"] = (
        compiled.groupby(rows["indicator"]).sum().astype(int) if compiled is not None else 0
    )
    basis = rows["score_basis"] if "score_basis" in rows else pd.Series(PUBLISHED, index=rows.index)
    rows = rows.assign(score_basis=basis.astype("string").fillna(PUBLISHED))
    table = best.set_index("indicator")[["score", "province", "score_basis"]].rename(
        columns={"score": "best_score", "province": "best_province", "score_basis": "best_basis"}
    )
    table = table.join(stats)
    computed_parts = rows.groupby("indicator")["score_basis"].agg(lambda b: any(map(is_computed, b)))
    table["median_basis"] = [
        COMPUTED if computed_parts.get(i, False) or n % 2 == 0 else PUBLISHED
        for i, n in zip(table.index, table["n_scored"], strict=True)
    ]
    own = rows[rows["province_code"].isin(who.members)]
    counts = own.groupby("indicator")["score"].agg(["mean", "count"])
    complete = counts[counts["count"].eq(len(who.members))]["mean"]
    table["score"] = complete.reindex(table.index)
    own_basis = own.groupby("indicator")["score_basis"].first()
    table["value_basis"] = DERIVED_MEAN if who.merged else own_basis.reindex(table.index).fillna(PUBLISHED)
    table = table.reset_index()
    columns = [
        "indicator",
        "score",
        "value_basis",
        "best_score",
        "best_basis",
        "best_province",
        "median_score",
        "median_basis",
        "n_scored",
        "n_third_party",
    ]
    return table[columns].sort_values("indicator").reset_index(drop=True)


def latest_subindex_year(panel: pd.DataFrame, index: str, who: Subject) -> int | None:
    """The latest year in which every member of ``who`` has a sub-index score of ``index``."""
    parts = subindex_scores(panel, index)
    parts = parts[parts["province_code"].isin(who.members)]
    if parts.empty:
        return None
    per_year = parts.groupby("year")["province_code"].nunique()
    full = per_year[per_year.eq(len(who.members))]
    return int(full.index.max()) if not full.empty else None


def region_peers(panel: pd.DataFrame, who: Subject) -> pd.DataFrame:
    """The provinces of the subject's region(s) with their latest published rank on each index.

    Columns: province_code, province, region, is_member (the subject or one of its members), then
    per index a column ``<index>`` holding the rank, with ``<index>_basis`` (published or computed),
    ``<index>_year`` (chosen by :func:`peers_year`), ``<index>_rule`` (which rule chose it),
    ``<index>_peers_ranked`` (the region's provinces ranked that year) and ``<index>_n`` (units
    ranked nationally). Rows in rank order of the first index with ranks."""
    everyone = provinces()
    codes = [c for c, p in everyone.items() if p.region in who.regions and not p.merged_into]
    headline = panel[
        panel["indicator"].eq("overall")
        & panel["geography"].eq("provinces_63")
        & panel["province_code"].isin(codes)
        & panel["rank"].notna()
    ]
    table = pd.DataFrame(
        {
            "province_code": codes,
            "province": [everyone[c].name for c in codes],
            "region": [everyone[c].region for c in codes],
            "is_member": [c in who.members for c in codes],
        }
    )
    years: dict[str, int] = {}
    for index in sorted(headline["index"].unique()):
        rows = headline[headline["index"].eq(index)]
        found = peers_year(rows.groupby("year")["province_code"].nunique(), len(codes))
        if found is None:
            continue
        year, rule = found
        that = rows[rows["year"].eq(year)].set_index("province_code")
        table[index] = table["province_code"].map(that["rank"])
        table[f"{index}_basis"] = table["province_code"].map(that["rank_basis"])
        table[f"{index}_n"] = that["n_ranked"].max()  # missing where no source gives the count
        table[f"{index}_peers_ranked"] = int(that.index.nunique())
        table[f"{index}_rule"] = rule
        years[index] = year
    for index, year in years.items():
        table[f"{index}_year"] = year
    first = next(iter(years), None)
    if first is not None:
        table = table.sort_values([first, "province"], na_position="last")
    return table.reset_index(drop=True)


def peers_year(ranked_by_year: pd.Series, n_region: int) -> tuple[int, str] | None:
    """The year a region table shows for one index, and the rule that chose it.

    ``ranked_by_year``: the number of the region's provinces ranked, by year. ``"half"``: the
    latest year in which at least half of the ``n_region`` provinces are ranked; else ``"most"``:
    the year with the most of them ranked (the latest of equals), if at least two are; else None."""
    counts = ranked_by_year[ranked_by_year.ge(2)]
    if counts.empty:
        return None
    half = counts[counts.ge(math.ceil(n_region / 2))]
    if not half.empty:
        return int(half.index.max()), "half"
    return int(counts[counts.eq(counts.max())].index.max()), "most"


def units_with_published_values(panel: pd.DataFrame) -> list[str]:
    """The indices for which a publisher released values for the units of 2025 (DTI 2024)."""
    return sorted(panel.loc[panel["geography"].eq("units_34"), "index"].unique())


def unit_names() -> dict[str, str]:
    """The 34 units' names by code (for the tables' links)."""
    return {code: unit.name for code, unit in units_2025().items()}


def unit_findings(panel: pd.DataFrame, who: Subject, lang: str, subject_text: str) -> Findings:
    """The "Key findings" of a unit's profile: what the publishers released for the unit itself
    (its latest position on each such index, among the 34 units), then each member province's
    latest position on each index (the province's own findings, :func:`~egov_analysis.analysis.
    findings.profile_findings`, kept to the latest values). Nothing is said of a mean."""
    from .findings import _say, profile_findings, province_sentences, with_legend

    sentences: list[str] = []
    units = panel[panel["indicator"].eq("overall") & panel["geography"].eq("units_34")]
    for index in sorted(units["index"].unique()):
        rows = units[units["index"].eq(index)]
        if rows["province_code"].eq(who.code).any():
            found = province_sentences(rows, who.code, lang)
            sentences += [s for s in found if getattr(s, "key", "").startswith("findings.latest")]
    members: list[str] = []
    for code in who.members:
        found = profile_findings(panel, code, lang, subject_text).sentences
        members += [
            s for s in found if getattr(s, "key", "").startswith(("findings.latest", "findings.absent"))
        ]
    if members and sentences:  # a member may carry the unit's name (Đà Nẵng): say whose these are
        sentences.append(_say("atlas.text.members_findings", lang))
    sentences += members
    # the members' own legend sentences are left out above: the mark's legend once, if marked
    return Findings(_say("findings.heading", lang, subject=subject_text), with_legend(sentences, lang))


def key_findings(panel: pd.DataFrame, who: Subject, lang: str, subject_text: str) -> Findings:
    """The profile's "Key findings": a province's (:func:`~egov_analysis.analysis.findings.
    profile_findings`) or a unit's (:func:`unit_findings`)."""
    from .findings import profile_findings

    if who.is_unit:
        return unit_findings(panel, who, lang, subject_text)
    return profile_findings(panel, who.code, lang, subject_text)


def rank_series(history_rows: pd.DataFrame, lang: str = "en") -> list[tuple[str, pd.DataFrame]]:
    """The published ranks of a profile, one frame per unit in the order a reader meets them: the
    subject itself, then its member provinces, then any province merged into it. Each frame is one
    unit's ranks on every index (a rank chart's input), with the name its chart gives it (a unit of
    2025 says so: "Huế (34 provincial units of 2025)"); units without a rank are left out."""
    from .. import formatting as fmt

    ranked = ranks_over_time(history_rows)
    out = []
    for role in (OWN, MEMBER, PREDECESSOR):
        rows = ranked[ranked["role"].eq(role)]
        for code in sorted(set(rows["province_code"])):  # members in code order
            theirs = rows[rows["province_code"].eq(code)]
            name = display_name(str(theirs["province"].iloc[0]), lang)
            if theirs["geography"].eq("units_34").all():
                name = f"{name} ({fmt.display_name('geography', 'units_34', lang)})"
            out.append((name, theirs))
    return out
