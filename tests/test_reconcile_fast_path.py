"""Keys whose sources all agree are settled without the per-key rules, choosing what they would."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from support import candidate_rows

from egov_analysis.clean import reconcile as rec

PRESS = "https://press.vn/a"
GOV = "http://uongbi.gov.vn/b"
SITE = "https://pcivietnam.vn/c"
COMPILED = "https://github.com/x/panel"


def _rows(records: list[dict[str, object]]) -> pd.DataFrame:
    return candidate_rows(records)


def _mixed() -> pd.DataFrame:
    """Agreeing keys (at different precision, one rank computed, a tier in NFC and NFD, one with
    a printed move contradicting it) between disagreeing ones, and a key with one source."""
    tier = "Khá"
    records: list[dict[str, object]] = []
    for year in range(2010, 2022):
        records += [  # every source agrees: 3.7 is the compiled 3.7099 rounded
            {"year": year, "indicator": "p1", "score": 3.7, "rank": 8, "tier": tier, "source_url": PRESS},
            {"year": year, "indicator": "p1", "score": 3.7099, "rank": 8, "source_url": COMPILED},
            {
                "year": year,
                "indicator": "p1",
                "score": 3.71,
                "rank": 8,
                "rank_basis": "computed",
                "tier": unicodedata.normalize("NFD", tier),
                "source_url": SITE,
            },
        ]
        if year % 3 == 0:  # the sources disagree
            records += [
                {"year": year, "indicator": "p2", "score": 5.12, "rank": 3, "source_url": GOV},
                {"year": year, "indicator": "p2", "score": 5.21, "rank": 4, "source_url": PRESS},
            ]
    records += [
        {
            "year": 2022,
            "indicator": "p1",
            "score": 4.9,
            "score_change": "+0.5 since 2011",
            "source_url": PRESS,
        },
        {"year": 2023, "indicator": "p1", "score": 6.0, "source_url": GOV},
    ]
    return _rows(records)


def test_only_keys_whose_sources_disagree_go_through_the_per_key_rules(monkeypatch):
    calls: list[str] = []
    clusters = rec._clusters

    def counted(field, candidates):
        calls.append(field)
        return clusters(field, candidates)

    monkeypatch.setattr(rec, "_clusters", counted)
    panel, _ = rec.reconcile(_mixed())
    assert calls.count("score") == 4 and calls.count("rank") == 4 and calls.count("tier") == 0
    agreed = panel[panel["indicator"].eq("p1") & panel["year"].le(2021)]
    # the publisher's site is cited for the score, the press (not the computed rank) for the rank
    assert len(agreed) == 12 and agreed["score"].eq(3.71).all() and agreed["rank"].eq(8).all()
    assert agreed["source_url"].eq(SITE).all()
    assert agreed["rank_source_url"].eq(PRESS).all() and not agreed["unresolved"].any()


def test_the_fast_path_chooses_and_lists_what_the_per_key_rules_do(monkeypatch):
    fast_panel, fast_conflicts = rec.reconcile(_mixed())
    monkeypatch.setattr(
        rec, "_agreeing_groups", lambda field, multi, group_id: np.zeros(len(set(group_id.tolist())), bool)
    )
    slow_panel, slow_conflicts = rec.reconcile(_mixed())
    pd.testing.assert_frame_equal(fast_panel, slow_panel, check_exact=True)
    pd.testing.assert_frame_equal(fast_conflicts, slow_conflicts, check_exact=True)
    # the agreeing key a printed move contradicts (2011) keeps its place among the disagreements
    assert fast_conflicts["year"].tolist() == [2010, 2011, 2013, 2016, 2019, 2010, 2013, 2016, 2019]
    assert fast_conflicts["rule"].iloc[1].startswith(rec.RULE_IMPLIED)
