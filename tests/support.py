"""Helpers shared by several test modules."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

# twelve real province codes for a synthetic-control panel: the treated one is Quảng Ninh (22)
SCM_CODES = ["22", "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17"]


def tree_digest(folder: Path) -> str:
    """A hash of a folder: every path, file content and symlink target ("absent" if missing)."""
    if not folder.exists():
        return "absent"
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        sha.update(str(path.relative_to(folder)).encode())
        if path.is_symlink():
            sha.update(str(path.readlink()).encode())
        elif path.is_file():
            sha.update(path.read_bytes())
    return sha.hexdigest()


def run_clean_cli(raw: Path, processed: Path) -> subprocess.CompletedProcess[str]:
    """`egov-analysis clean --raw RAW --processed PROCESSED` as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "egov_analysis", "clean", "--raw", str(raw), "--processed", str(processed)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def pci_rows(scores: np.ndarray, years: list[int], codes: list[str]) -> pd.DataFrame:
    """A score matrix (``years`` × ``codes``) as rows of the indices table: PCI's overall score of
    the 63 provinces, one row per year and province."""
    return pd.DataFrame(
        [
            {
                "index": "pci",
                "indicator": "overall",
                "geography": "provinces_63",
                "year": year,
                "province_code": code,
                "score": scores[t, i],
            }
            for t, year in enumerate(years)
            for i, code in enumerate(codes)
        ]
    )


def index_rows(
    records: list[tuple], columns: list[str], index: str, indicator: str, geography: str, **fixed: object
) -> pd.DataFrame:
    """``records`` (tuples of ``columns``, e.g. year, province_code, province, score, rank,
    n_ranked) as rows of the indices table of one index, indicator and geography, published;
    ``fixed`` gives the other columns one value each (``source_url``, ``tier`` …)."""
    frame = pd.DataFrame(records, columns=columns)
    frame = frame.assign(
        index=index,
        indicator=indicator,
        geography=geography,
        score_basis="published",
        rank_basis="published",
        **fixed,
    )
    return frame.astype({"year": "Int64", "score": "Float64", "rank": "Int64", "n_ranked": "Int64"})


def candidate_rows(records: list[dict[str, object]], **defaults: object) -> pd.DataFrame:
    """Candidate rows for the reconciler, typed as the cleaning gives them: each record over a row
    of Quảng Ninh's overall PCI score (``defaults`` change that row, e.g. ``index="par"``), with
    ``score_decimals`` as printed."""
    base = {
        "index": "pci",
        "geography": "provinces_63",
        "province_code": "22",
        "province_name": "Quảng Ninh",
        "indicator": "overall",
        "score": pd.NA,
        "rank": pd.NA,
        "rank_basis": "published",
        "tier": pd.NA,
        "note": "",
        "score_change": "",
        **defaults,
    }
    frame = pd.DataFrame([{**base, **r} for r in records])
    frame["score"] = frame["score"].astype("Float64")
    frame["score_decimals"] = (
        frame["score"].map(lambda v: len(f"{v:g}".partition(".")[2]), na_action="ignore").astype("Int64")
    )
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def coverage_rows(index: str, years: list[int], n_score: list[int], n_ranked: list[int], status: list[str]):
    """Headline rows of the coverage table (``load("coverage")``) of one index on the 63 provinces,
    a year each: every unit with a score held is counted as held."""
    return pd.DataFrame(
        {
            "index": index,
            "year": years,
            "geography": "provinces_63",
            "indicator": "overall",
            "n_score": n_score,
            "n_held": n_score,
            "n_ranked": n_ranked,
            "status": status,
        }
    )


def dead_pid() -> int:
    """The id of a process that has ended (for folders named after their owner)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(finished.stdout)


# The shared build of the test session (conftest ``project_build``). `make test` builds a sample of
# the default set, one report of each notebook (:data:`FAST_SAMPLE`), so that it stays under 5
# minutes: the Vietnamese editions, since the notebook tests (nbval) run each notebook's English
# defaults, and one pair of editions for the links between them. The extended tier (``--extended``,
# CI) builds the default set with a few profiles standing for the 194 (:data:`SAMPLE_PROFILES`) and
# runs the page checks on every page of it. `make reports` builds them all; tests/test_atlas.py
# checks the other profiles' logic.
SAMPLE_PROFILES = (
    "profile_quang_ninh_en",
    "profile_quang_ninh_vi",
    "profile_unit_da_nang_en",
    "profile_unit_da_nang_vi",
)
FAST_SAMPLE = (  # each notebook but the phase comparison once, in Vietnamese where nbval runs the
    # English defaults; the phase report's pages (its notebook runs under nbval) are checked in the
    # extended tier, which builds the default set
    "rankings_pci_vi",  # tiers, sub-indices, a 63-province map (nbval: the English defaults)
    "relationships_pci_papi_2016",  # the cheapest pair: the index pages' links between editions
    "relationships_pci_papi_2016_vi",
    "data_quality_vi",
    "profile_quang_ninh_vi",  # the 2025 units' profiles: the extended tier, test_atlas on inline data
)
EXTENDED = False  # set by conftest's pytest_configure from ``--extended``


def shared_build_names() -> list[str]:
    """The reports of the session's shared build, in the order of reports.toml: :data:`FAST_SAMPLE`,
    or with ``--extended`` every report of the default set except the profiles outside
    :data:`SAMPLE_PROFILES`."""
    from egov_analysis import config
    from egov_analysis.reporting.contract import load_reports
    from egov_analysis.reporting.reports import select

    reports = select(load_reports(config.paths().root / "reports.toml", config.paths().notebooks))
    if not EXTENDED:
        missing = set(FAST_SAMPLE) - {r.name for r in reports}
        assert not missing, f"tests/support.py FAST_SAMPLE names reports not in reports.toml: {missing}"
        return [r.name for r in reports if r.name in FAST_SAMPLE]
    return [r.name for r in reports if r.notebook != "province_profile.ipynb" or r.name in SAMPLE_PROFILES]
