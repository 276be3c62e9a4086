"""Provincial budgets (Ministry of Finance, 2006–2017) and annual CPI: raw files → tidy frames.

Known breaks in the budget data are flagged, never hidden:

- plan ``balance_transfer``: total transfer up to 2012, balance transfer only from 2013
  (a series break: the two parts of the series are not comparable);
- plan 2017 ``project_transfer`` repeats ``targeted_transfer`` (a source error: not usable);
- final-data rows with a blank province: assigned only where exactly one province is missing
  that year (Nam Định 2008); otherwise (three rows of 2006) left unassigned, with the candidates.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..provinces import provinces, resolve_codes
from .problems import Problems
from .read import read_raw_table

MEASURES = {
    "total.rev": "total_revenue",
    "total.exp": "total_expenditure",
    "balance.trans": "balance_transfer",
    "target.trans": "targeted_transfer",
    "project.trans": "project_transfer",
    "net.trans": "net_transfer",
    "ratio": "revenue_retention_ratio",
}
CPI_PRECEDENCE = ("GSO", "World Bank")  # the national statistics office first
CPI_RULE = "GSO's annual average first, the World Bank series where GSO's is not available"


def _million_to_vnd(text: str) -> tuple[int, bool]:
    amount = Decimal(text) * 1_000_000
    whole = amount.to_integral_value()
    return int(whole), whole != amount


def _read(raw_dir: Path, dataset: str, problems: Problems) -> pd.DataFrame:
    frame = read_raw_table(raw_dir, f"budget/provincial_budget_{dataset}.csv")
    frame["dataset"] = dataset
    numeric = frame["value"].str.fullmatch(r"-?\d+(\.\d+)?")
    problems.rows(frame, ~numeric, "value", "not_a_number", "budget value is not a number")
    problems.rows(
        frame,
        ~frame["measure"].isin(list(MEASURES)),
        "measure",
        "unknown_measure",
        "measure not in the budget measure table",
    )
    return frame[numeric]


def _assign_blank_provinces(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["flag"] = ""
    frame["candidates"] = ""
    for (_dataset, year), group in frame.groupby(["dataset", "year"]):
        blank = group[group["province_code"].isna()]
        if blank.empty:
            continue
        expected = {c for c, p in provinces().items() if p.merged_into is None or int(year) < 2008}
        missing = sorted(expected - set(group["province_code"].dropna()))
        names = ", ".join(provinces()[c].name for c in missing)
        source_rows = int(blank["measure"].eq("total.rev").sum())  # one per wide source row
        if source_rows == 1 and len(missing) == 1:
            frame.loc[blank.index, "province_code"] = missing[0]
            frame.loc[blank.index, "flag"] = (
                f"province blank in the source; identified as the only province missing in {year}: {names}"
            )
        else:
            frame.loc[blank.index, "candidates"] = names
            frame.loc[blank.index, "flag"] = (
                f"province blank in the source; one of: {names} (not assigned: more than one candidate)"
            )
    return frame


def build_provincial_budget(raw_dir: Path, problems: Problems) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy provincial budget and the rows whose province cannot be identified."""
    frame = pd.concat([_read(raw_dir, d, problems) for d in ("plan", "final")], ignore_index=True)
    named = frame["province"].ne("")
    codes = resolve_codes(frame["province"].where(named), errors="coerce")
    problems.rows(frame, named & codes.isna(), "province", "unknown_province", "unknown province")
    frame["province_code"] = codes
    frame = _assign_blank_provinces(frame)
    converted = [
        _million_to_vnd(v) if m != "ratio" else (None, False)
        for v, m in zip(frame["value"], frame["measure"], strict=True)
    ]
    frame["amount_vnd"] = pd.array([c[0] for c in converted], dtype="Int64")
    rounded = pd.Series([c[1] for c in converted], index=frame.index)
    frame["share_pct"] = pd.to_numeric(
        frame["value"].where(frame["measure"].eq("ratio")), errors="coerce"
    ).astype("Float64")
    frame["measure"] = frame["measure"].map(MEASURES)
    frame["year"] = frame["year"].astype(int)
    frame["usable"] = True
    breaks = frame["dataset"].eq("plan") & frame["measure"].eq("balance_transfer")
    frame.loc[breaks & frame["year"].lt(2013), "flag"] = _join(
        frame.loc[breaks & frame["year"].lt(2013), "flag"],
        "series break: total transfer up to 2012 (balance transfer only from 2013)",
    )
    frame.loc[breaks & frame["year"].ge(2013), "flag"] = _join(
        frame.loc[breaks & frame["year"].ge(2013), "flag"],
        "series break: balance transfer only from 2013 (total transfer up to 2012)",
    )
    repeat = frame["dataset"].eq("plan") & frame["measure"].eq("project_transfer") & frame["year"].eq(2017)
    frame.loc[repeat, "usable"] = False
    frame.loc[repeat, "flag"] = _join(
        frame.loc[repeat, "flag"], "source error: the 2017 plan repeats targeted_transfer here"
    )
    frame.loc[rounded, "flag"] = _join(
        frame.loc[rounded, "flag"], "printed with a fraction of a VND: rounded to whole VND"
    )
    canonical = {c: p.name for c, p in provinces().items()}
    frame["province_name"] = frame["province_code"].map(canonical)
    unassigned = frame[frame["province_code"].isna() & frame["province"].eq("")]
    return frame[frame["province_code"].notna()], unassigned


def _join(flags: pd.Series, text: str) -> pd.Series:
    return (flags + "; ").where(flags.ne(""), "") + text


def build_cpi(raw_dir: Path, problems: Problems) -> tuple[pd.DataFrame, list[dict]]:
    raw = read_raw_table(raw_dir, "cpi/cpi_annual.csv")
    value = pd.to_numeric(raw["cpi_avg_change_pct"], errors="coerce")
    problems.rows(raw, value.isna(), "cpi_avg_change_pct", "not_a_number", "CPI change is not a number")
    raw = raw.assign(cpi_avg_change_pct=value, year=pd.to_numeric(raw["year"], errors="coerce"))
    raw["precedence"] = raw["source_org"].map(lambda org: 0 if org.startswith(CPI_PRECEDENCE[0]) else 1)
    raw = raw.sort_values(["year", "precedence", "source_url"], kind="stable")
    chosen = raw.drop_duplicates("year")
    conflicts = []
    for _, other in raw.drop(index=chosen.index).iterrows():
        first = chosen[chosen["year"].eq(other["year"])].iloc[0]
        if abs(first["cpi_avg_change_pct"] - other["cpi_avg_change_pct"]) > 1e-9:
            conflicts.append(
                {
                    "table": "cpi",
                    "key": str(int(other["year"])),
                    "chosen_value": str(first["cpi_avg_change_pct"]),
                    "chosen_source_url": first["source_url"],
                    "other_value": str(other["cpi_avg_change_pct"]),
                    "other_source_url": other["source_url"],
                    "rule": CPI_RULE,
                }
            )
    return chosen, conflicts
