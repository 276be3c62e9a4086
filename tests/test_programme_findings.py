"""Key findings of the phase comparison on inline frames: stages, goals, claims and PCI ranks in
both languages, and no change computed across the PCI's 2017 series break."""

from __future__ import annotations

import pandas as pd
import pytest

from egov_analysis.analysis.programme_findings import key_findings

PHASES = pd.DataFrame(
    {
        "phase_id": ["plan", "scheme", "scheme", "outside"],
        "in_programme": [True, True, True, False],
        "start_year": [2012, 2012, 2012, 2011],
        "source_url": ["https://a.vn/1", "https://a.vn/2", "https://a.vn/3", "https://a.vn/4"],
    }
)
GOALS = pd.DataFrame(
    {
        "metric": ["Basic goals met", "Level-4 services"],
        "quote_vi": ["22/22 mục tiêu cơ bản", "dịch vụ mức 4"],
        "value_as_printed": ["22/22", None],  # the Vietnamese words print the result: said once
        "target": [22.0, 100.0],
        "achieved": [22.0, None],
        "status": ["met", "unknown"],
        "year_end": [2017, 2021],
    }
)
CLAIMS = pd.DataFrame(
    {
        "claim": ["PCI 2017", "PCI 2017", "ICT two years"],
        "claim_status": ["matches", "matches", "partly matched"],
    }
)
OUTCOMES = pd.DataFrame(
    {
        "index": ["pci"] * 4 + ["papi"],
        "indicator": ["overall"] * 5,
        "year": [2011, 2017, 2018, 2024, 2017],
        "rank": [12, 1, 1, 2, 30],
        "n_ranked": [63] * 5,
    }
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "The sources name 2 stages of the programme, the first from 2012",
                "Goal met, as its source states: Basic goals met (22 of 22).",
                "Other goals with a target but no result in the data held: 1.",
                "2 ranking claims; against the index values held: matches: 1; partly matched: 1.",
                "best PCI rank is 1 (2017–2018), in 2 editions; its latest is 2 of 63 (2024).",
            ],
        ),
        (
            "vi",
            [
                "Các nguồn nêu 2 giai đoạn của chương trình, giai đoạn đầu từ năm 2012",
                "Mục tiêu đã đạt, theo nguồn: 22/22 mục tiêu cơ bản.",
                "khớp: 1; khớp một phần: 1.",
                "thứ hạng gần nhất là 2/63 (2024)",
            ],
        ),
    ],
)  # fmt: skip
def test_key_findings_state_what_the_frames_hold(lang, expected):
    found = key_findings("Quảng Ninh", PHASES, GOALS, CLAIMS, OUTCOMES, None, lang)
    text = " ".join(found.sentences)
    for part in expected:
        assert part in text
    assert "12 " not in text and "12/" not in text  # 2011 is before the 2017 break: never compared


def test_a_province_without_pci_ranks_is_said_so():
    found = key_findings("Hà Tây", PHASES, GOALS, CLAIMS, OUTCOMES.iloc[0:0], None, "en")
    assert found.sentences[-1] == "No PCI rank of Hà Tây is held."


def test_ranks_on_either_side_of_a_series_break_are_not_compared():
    before = OUTCOMES.assign(rank=[1, 3, 3, 2, 30])  # best in 2011, latest in 2024: the 2017 break between
    found = key_findings("Quảng Ninh", PHASES, GOALS, CLAIMS, before, None, "en")
    assert found.sentences[-1].endswith(
        "They are not compared as a change: a series break (2017) lies between them."
    )
    same_side = key_findings("Quảng Ninh", PHASES, GOALS, CLAIMS, OUTCOMES, None, "en")
    assert "series break" not in same_side.sentences[-1]


def test_missing_values_leave_out_their_sentence_and_never_print_nan():
    from types import SimpleNamespace

    no_stages = PHASES.assign(in_programme=False)
    unknown_goal = GOALS.assign(achieved=[None, None], year_end=[pd.NA, pd.NA])
    failed_fit = SimpleNamespace(
        fit=pd.DataFrame([{"province": "Quảng Ninh", "start_year": 2012, "mean_post_gap": float("nan"),
                           "p_value": 0.25, "p_value_mean_gap": 0.02, "rank": 16, "n_runs": 63}]),
        gaps=pd.DataFrame({"period": ["post"], "year": [2013]}),
    )  # fmt: skip
    found = key_findings("Quảng Ninh", no_stages, unknown_goal, CLAIMS.iloc[0:0], OUTCOMES, failed_fit, "vi")
    text = " ".join(found.sentences)
    assert "nan" not in text.lower() and "giai đoạn" not in text and "khẳng định" not in text
    assert len(found.sentences) == 2  # the goal without a result, and the PCI ranks


def test_best_ranks_in_years_apart_are_not_written_as_a_run():
    apart = OUTCOMES.assign(rank=[3, 9, 3, 5, 30], year=[2012, 2016, 2020, 2024, 2017])
    found = key_findings("Quảng Ninh", PHASES, GOALS, CLAIMS, apart, None, "en")
    assert "best PCI rank is 3 (2012 and 2020), in 2 editions" in found.sentences[-1]
