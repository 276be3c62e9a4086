"""The counterfactual study: the robustness card holds every check with its estimator and donor
pool, the pre-fit screen moves the placebo p-value as it should, the sub-indices use the years
present, the headline follows from the intervals and the card, results are cached by their
inputs, and the charts and sentences say what they show in both languages."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from egov_analysis.analysis import counterfactual_reading as reading
from egov_analysis.analysis import counterfactual_study as cs
from egov_analysis.analysis.counterfactual import screened_p_values

# Quảng Ninh (22), six Red River Delta provinces and five of the northern mountains
CODES = ["22", "01", "26", "27", "30", "31", "33", "02", "04", "06", "08", "10"]
YEARS = list(range(2006, 2017))


def panel(effect: float, seed: int = 3, indicators: tuple[str, ...] = ("overall",)) -> pd.DataFrame:
    """A factor model (see tests/test_counterfactual.py) for every indicator of ``indicators``:
    Quảng Ninh's loadings a convex combination of three Red River Delta donors', ``effect`` added
    from 2012; the indices table's columns."""
    frames = []
    for k, indicator in enumerate(indicators):
        rng = np.random.default_rng(seed + 100 * k)
        factors = rng.normal(0, 3, size=(len(YEARS), 2)).cumsum(axis=0)
        loadings = rng.uniform(0.2, 1.8, size=(len(CODES), 2))
        loadings[0] = rng.dirichlet([1, 1, 1]) @ loadings[1:4]
        scores = 60 + factors @ loadings.T + rng.normal(0, 0.3, size=(len(YEARS), len(CODES)))
        scores[YEARS.index(2012) :, 0] += effect
        frames.append(
            pd.DataFrame(
                {
                    "index": "pci",
                    "indicator": indicator,
                    "geography": "provinces_63",
                    "year": np.repeat(YEARS, len(CODES)),
                    "province_code": CODES * len(YEARS),
                    "score": scores.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def effect_study() -> cs.CounterfactualStudy:
    return cs.study(
        panel(8.0, indicators=("overall", "transparency")), "Quảng Ninh", 2012, subindices=("transparency",)
    )


def test_the_robustness_card_holds_every_check_with_its_estimator_and_donor_pool(effect_study, tmp_path):
    card = effect_study.robustness.set_index("check", append=True)
    checks = list(effect_study.robustness["check"])
    assert checks == [
        "main",
        "in_time_placebo",
        "estimator",
        "donor_pool",
        "donor_pool",
        "leave_one_out",
        "leave_one_out",
        "placebo_screen",
        "placebo_screen",
    ]
    rows = effect_study.robustness.set_index("check")
    assert rows.loc["estimator", "estimator"] == "augsynth"
    # Quảng Ninh's own region, then the two industrial regions: the panel's six Red River Delta
    # donors in both (it holds no Southeast province)
    pools = rows.loc["donor_pool"]
    assert list(pools["donor_pool"]) == ["region_red_river_delta", "industrial_regions"]
    assert list(pools["n_donors"]) == [6, 6]
    # every estimate of the same effect recovers it; the fake start before the programme does not
    estimates = rows.loc[["main", "estimator", "donor_pool"], "mean_post_gap"]
    assert (estimates.sub(8.0).abs() < 1.5).all(), estimates
    assert abs(rows.loc["in_time_placebo", "mean_post_gap"]) < 2.0
    assert rows.loc["in_time_placebo", "post_years"] == "2009, 2010, 2011"
    assert card.index.nlevels == 2
    written = cs.write_tables(effect_study, tmp_path, "en")
    assert {"scm_intervals.csv", "scm_robustness.csv", "scm_subindices.csv"} <= {p.name for p in written}
    on_disk = pd.read_csv(tmp_path / "scm_robustness.csv")
    assert {"estimator", "donor_pool"} <= set(on_disk.columns)
    assert list(pd.read_csv(tmp_path / "scm_intervals.csv").columns)[:6] == [
        "year",
        "gap",
        "lower",
        "upper",
        "method",
        "level",
    ]


def test_a_donor_pool_with_too_few_donors_says_why_in_its_row():
    codes = {"22", "01", "02", "04", "06", "08", "10"}  # Hà Nội the only donor of either pool
    small = panel(8.0)
    small = small[small["province_code"].isin(codes)]
    result = cs.study(small, "Quảng Ninh", 2012, subindices=())
    pools = result.robustness[result.robustness["check"].eq("donor_pool")]
    assert list(pools["donor_pool"]) == ["region_red_river_delta", "industrial_regions"]
    assert pools["mean_post_gap"].isna().all() and pools["n_donors"].isna().all()
    assert pools["variant"].str.contains("only 1 province has").all()
    # each failed pool is named as readers know it, in both languages, never by its id
    for lang, names in {
        "en": ["own region, Red River Delta (–)", "industrial regions, Red River Delta and Southeast (–)"],
        "vi": [
            "trong vùng của tỉnh, Đồng bằng sông Hồng (–)",
            "công nghiệp, Đồng bằng sông Hồng và Đông Nam Bộ (–)",
        ],
    }.items():
        failed = [s for s in reading.card_sentences(result, lang) if "only 1 province has" in s]
        assert len(failed) == 2 and all(name in s for name, s in zip(names, failed, strict=True)), failed
        assert not any("region_" in s or "industrial_regions" in s for s in failed)
        # the card's sentence counts the estimates it has, as the chart's alt text does
        n = int(result.robustness["mean_post_gap"].notna().sum()) - 3  # not the in-time or screens
        assert reading.card_sentences(result, lang)[0].startswith(
            {"en": f"Robustness card ({n} estimates", "vi": f"Bảng kiểm tra độ vững ({n} ước lượng"}[lang]
        )


def test_the_restricted_donor_pools_follow_the_treated_province():
    # Hà Giang (northern mountains): its own region's four donors of the panel, and the two
    # industrial regions (Red River Delta and Southeast: Quảng Ninh and six others) as the second
    pools = cs.donor_pools("Hà Giang")
    assert list(pools) == ["region_northern_midlands_and_mountains", "industrial_regions"]
    assert "02" not in pools["region_northern_midlands_and_mountains"]
    assert {"22", "79"} <= set(pools["industrial_regions"]) and "02" not in pools["industrial_regions"]
    assert "28" not in pools["industrial_regions"]  # Hà Tây: merged into Hà Nội in 2008
    result = cs.study(panel(0.0), "Hà Giang", 2012, fake_start=None, subindices=(), leave_out=0)
    card = result.robustness[result.robustness["check"].eq("donor_pool")]
    assert list(card["donor_pool"]) == ["region_northern_midlands_and_mountains", "industrial_regions"]
    assert list(card["n_donors"]) == [4, 7]
    from egov_analysis.plots.counterfactual import check_label

    labels = {lang: [check_label(r, lang) for r in card.itertuples()] for lang in ("en", "vi")}
    assert labels["en"] == [
        "Donors from the province's own region, Northern Midlands and Mountains (4)",
        "Donors from the industrial regions, Red River Delta and Southeast (7)",
    ]
    assert labels["vi"] == [
        "Tỉnh đối chứng trong vùng của tỉnh, Trung du và miền núi phía Bắc (4)",
        "Tỉnh đối chứng thuộc các vùng công nghiệp, Đồng bằng sông Hồng và Đông Nam Bộ (7)",
    ]


def test_the_pre_fit_screen_keeps_only_placebos_that_fit_comparably():
    placebos = pd.DataFrame(
        {
            "role": ["treated", "placebo", "placebo", "placebo", "placebo"],
            "pre_rmspe": [1.0, 0.001, 0.6, 1.5, 4.0],
            "rmspe_ratio": [5.0, 1000.0, 2.0, 10.0, 1.0],
        }
    )
    screened = screened_p_values(placebos)
    # within 2×: the 0.6 and 1.5 fits; one ratio (10) at least the treated one's: (1 + 1) / 3
    assert screened["p_value_screen_2"] == pytest.approx(2 / 3) and screened["n_runs_screen_2"] == 3
    assert screened["p_value_screen_5"] == pytest.approx(2 / 4) and screened["n_runs_screen_5"] == 4
    # ties count against the treated province, and a fit exactly 2× its own is within the screen
    boundary = pd.DataFrame({"role": ["placebo"], "pre_rmspe": [2.0], "rmspe_ratio": [5.0]})
    tied = pd.concat([placebos, boundary])
    screened = screened_p_values(tied)
    assert screened["p_value_screen_2"] == pytest.approx(3 / 4) and screened["n_runs_screen_2"] == 4
    assert screened["p_value_screen_5"] == pytest.approx(3 / 5)
    alone = screened_p_values(placebos.iloc[[0, 1]])
    assert np.isnan(alone["p_value_screen_2"]) and alone["n_runs_screen_2"] == 1  # no test, not p = 1


def test_sub_indices_use_the_years_present_and_intervals_cover_the_post_years(effect_study):
    row = effect_study.subindices.set_index("indicator").loc["transparency"]
    assert row["post_years"] == "2012, 2013, 2014, 2015, 2016" and row["error"] == ""
    assert row["n_post_years"] == 5
    gaps = effect_study.subindex_gaps
    assert gaps.loc[gaps["year"].ge(2012), "lower"].notna().all()
    assert gaps.loc[gaps["year"].lt(2012), "lower"].isna().all()
    # a sub-index missing a donor in 2016 is analysed on 2012-2015; one with no data says why
    data = panel(0.0, indicators=("overall", "transparency"))
    data = data[
        ~(data["indicator"].eq("transparency") & data["year"].eq(2016) & data["province_code"].eq("02"))
    ]
    result = cs.study(data, "Quảng Ninh", 2012, fake_start=None, subindices=("transparency", "time_costs"))
    table = result.subindices.set_index("indicator")
    assert table.loc["transparency", "post_years"] == "2012, 2013, 2014, 2015"
    assert "no pci time_costs scores" in table.loc["time_costs", "error"]


def test_the_headline_follows_from_the_intervals_and_the_card(effect_study):
    facts = reading.evidence(effect_study)
    assert facts["n_years"] == len(effect_study.intervals)
    # every condition met: supported
    strong = dataclasses.replace(
        effect_study,
        intervals=effect_study.intervals.assign(lower=1.0, upper=12.0),
        robustness=effect_study.robustness.assign(
            p_value=effect_study.robustness["p_value"].where(effect_study.robustness["p_value"].isna(), 0.05)
        ),
    )
    assert reading.evidence(strong)["supported"]
    assert "the checks agree" in reading.headline(strong, "en")
    # one favourable p-value does not make it: the intervals include zero
    weak = dataclasses.replace(strong, intervals=strong.intervals.assign(lower=-1.0))
    assert not reading.evidence(weak)["supported"]
    # a year without an interval (its point estimate rejected) is a dash in the table, never
    # "not published", and does not count as excluding zero
    holed = dataclasses.replace(strong, intervals=strong.intervals.assign(lower=np.nan, upper=np.nan))
    assert set(reading.interval_table(holed, "en")["lower"]) == {"–"}
    assert reading.evidence(holed)["n_excluding"] == 0
    sentence = reading.headline(weak, "en")
    assert "not established" in sentence and f"includes zero in {len(weak.intervals)} of" in sentence
    assert "chưa xác lập được tác động" in reading.headline(weak, "vi")
    # nor does a fake start before the programme showing as large a gap
    early = dataclasses.replace(
        strong,
        robustness=strong.robustness.assign(
            mean_post_gap=strong.robustness["mean_post_gap"].where(
                strong.robustness["check"].ne("in_time_placebo"), 8.0
            )
        ),
    )
    assert not reading.evidence(early)["supported"]
    # and the headline names that reason, which its first sentence (intervals, p-values) does not
    assert "in-time placebo (a fake start in 2009) gives a mean gap of 8.00" in reading.headline(early, "en")
    assert "năm bắt đầu giả 2009" in reading.headline(early, "vi")
    assert "in-time placebo" not in reading.headline(weak, "en")
    # nor a main run without a placebo test (its pre-period reproduced exactly: no ratio p-value)
    untested = dataclasses.replace(
        strong,
        robustness=strong.robustness.assign(
            p_value=strong.robustness["p_value"].where(strong.robustness["check"].ne("main"), np.nan)
        ),
    )
    assert not reading.evidence(untested)["supported"]
    exact = {"en": "reproduces the pre-period exactly", "vi": "tái tạo chính xác giai đoạn trước"}
    for lang, words in exact.items():
        sentence = reading.headline(dataclasses.replace(untested, intervals=weak.intervals), lang)
        assert words in sentence and "–" not in sentence
    # and the card's sentences say why there is no placebo p-value, not "p = –"
    fit = effect_study.main.fit.assign(p_value=np.nan, p_value_screen_2=np.nan, p_value_screen_5=np.nan)
    exact_main = dataclasses.replace(untested, main=dataclasses.replace(effect_study.main, fit=fit))
    screen = reading.card_sentences(exact_main, "en")[-1]
    assert "cannot be run" in screen and "–" not in screen
    assert "không thể thực hiện kiểm định giả" in reading.card_sentences(exact_main, "vi")[-1]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_reading_names_every_threat_in_both_languages(effect_study, lang):
    data = panel(8.0)
    sentences = reading.reading(effect_study, data, lang)
    assert len(sentences) == 8 and all("{" not in s for s in sentences)
    joined = " ".join(sentences)
    words = {
        "en": [
            "Selection on the outcome",
            "Contamination",
            "2017",
            "1/7",
            "Why the PCI",
            "What the PCI measures",
        ],
        "vi": [
            "Chọn mẫu theo kết quả",
            "chương trình chính quyền điện tử riêng",
            "2017",
            "1/7",
            "Vì sao dùng PCI",
        ],
    }[lang]
    for word in words:
        assert word in joined, word
    others = [*reading.interval_sentences(effect_study, lang), *reading.card_sentences(effect_study, lang)]
    assert any("85" in s for s in others)  # the level the six pre-period years allow: 85.7%
    # the intervals are pointwise (one year each) and rest on errors that behave alike over time
    pointwise = {"en": "not for all years at once", "vi": "không cho mọi năm cùng lúc"}[lang]
    assumption = {"en": "behave like those before", "vi": "giống như trước đó"}[lang]
    assert any(pointwise in s and assumption in s for s in others)
    # the in-time placebo's three pre-period years are reproduced almost exactly: its ratio's rank
    # among the placebos' is no test, and the sentence gives no p-value for it
    assert effect_study.robustness.set_index("check").loc["in_time_placebo", "pre_rmspe"] < 0.05
    in_time = [s for s in others if s.startswith(("In-time placebo", "Kiểm định giả theo thời gian"))]
    assert len(in_time) == 1 and "p =" not in in_time[0] and "p của kiểm định giả =" not in in_time[0]
    assert reading.subindex_sentences(effect_study, lang)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_screen_sentence_counts_runs_as_the_robustness_chart_does(effect_study, lang):
    # the page said "19 runs" where the chart beside it said "20 runs" for the same screen
    card = effect_study.robustness.set_index("variant")
    starts = ("The placebo", "Giá trị p")
    screen = [s for s in reading.card_sentences(effect_study, lang) if s.startswith(starts)]
    assert len(screen) == 1
    for k in ("2", "5"):
        n = int(card.loc[f"pre_rmspe_within_{k}x", "n_runs"])
        word = {"en": f"{n} runs", "vi": f"{n} lần chạy"}[lang]
        assert word in screen[0], (word, screen[0])


def test_the_vietnamese_sub_index_rows_say_excluding_zero_without_a_double_negative(effect_study):
    # "không chứa số 0 ở 0/5 năm" read as the opposite of what it meant; the rows count the years
    # whose interval leaves zero out, said positively ("loại trừ số 0")
    rows = [s for s in reading.subindex_sentences(effect_study, "vi")[1:] if "khoảng tin cậy" in s]
    assert rows and all("loại trừ số 0 ở" in s and "không chứa số 0" not in s for s in rows)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_level_raised_to_the_next_step_is_not_called_out_of_reach(effect_study, lang):
    # 80% asked with six pre-period years: the intervals are 6/7 = 85.7% ones, and an 80% interval
    # is no whole line (a p-value of 1/7 rejects at 20%), unlike a 90% one
    asked_80 = effect_study.intervals.assign(requested_level=0.8)
    sentences = reading.interval_sentences(dataclasses.replace(effect_study, intervals=asked_80), lang)
    whole_line = {"en": "whole line", "vi": "toàn bộ trục số"}[lang]
    assert len(sentences) == 2 and "80%" in sentences[1] and "85" in sentences[1]
    assert whole_line not in sentences[1]
    asked_90 = reading.interval_sentences(effect_study, lang)
    assert whole_line in asked_90[1] and "90%" in asked_90[1]


def test_results_are_cached_by_their_inputs(tmp_path, monkeypatch):
    data = panel(8.0)
    calls = []
    real = cs.study

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(cs, "study", counted)
    params = {"province": "Quảng Ninh", "start_year": 2012, "subindices": (), "leave_out": 0}
    first = cs.cached_study(data, tmp_path, **params)
    second = cs.cached_study(data, tmp_path, **params)
    assert len(calls) == 1 and second.robustness.equals(first.robustness)
    cs.cached_study(data, tmp_path, **{**params, "start_year": 2011})  # other inputs: computed
    changed = data.assign(score=data["score"].where(data["year"].ne(2015), data["score"] + 1))
    cs.cached_study(changed, tmp_path, **params)  # other data: computed
    assert len(calls) == 3
    assert len(list(tmp_path.glob("*.pkl"))) == 3
    # a new version of the code computes again and removes the old version's files
    monkeypatch.setattr(cs, "_code_fingerprint", lambda: "f" * 64)
    cs.cached_study(data, tmp_path, **params)
    assert len(calls) == 4 and [p.name[:13] for p in tmp_path.glob("*.pkl")] == ["f" * 12 + "-"]


def test_an_unreadable_cache_file_is_computed_again(tmp_path, monkeypatch):
    # a file another version of pandas or numpy pickled, or a damaged one, is no result: the study
    # is computed again and the file replaced, never an error in the report
    data = panel(8.0)
    params = {
        "province": "Quảng Ninh",
        "start_year": 2012,
        "subindices": (),
        "leave_out": 0,
        "fake_start": None,
    }
    path = tmp_path / f"{cs._code_fingerprint()[:12]}-{cs.cache_key(data, **params)}.pkl"
    path.write_bytes(b"\x80\x05not a pickle")
    result = cs.cached_study(data, tmp_path, **params)
    assert result.main.fit.iloc[0]["province"] == "Quảng Ninh"
    assert isinstance(cs.cached_study(data, tmp_path, **params), cs.CounterfactualStudy)
    # the libraries that wrote a file are part of its name
    import numpy
    import pandas

    before, pandas_version = cs._code_fingerprint(), pandas.__version__
    monkeypatch.setattr(pandas, "__version__", "0.0-other")
    assert cs._code_fingerprint() != before
    monkeypatch.setattr(pandas, "__version__", pandas_version)
    assert cs._code_fingerprint() == before
    monkeypatch.setattr(numpy, "__version__", "0.0-other")
    assert cs._code_fingerprint() != before


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_study_charts_draw_the_bands_and_say_what_they_show(effect_study, lang):
    from matplotlib.collections import PolyCollection

    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    ctx = plots.DrawingContext(lang=lang, out_dir=None)
    bands = charts.interval_chart(ctx, effect_study)
    polys = [c for c in bands.figure.axes[0].collections if isinstance(c, PolyCollection)]
    assert polys and len(polys[0].get_paths()[0].vertices) > 4  # a band over the post years
    assert list(bands.data.columns)[:6] == ["year", "gap", "lower", "upper", "method", "level"]
    n = len(effect_study.intervals)
    assert f"{n}" in bands.alt_text and "85" in bands.alt_text
    gap = charts.gap_chart(ctx, effect_study.main, effect_study.intervals)
    assert any(isinstance(c, PolyCollection) for c in gap.figure.axes[0].collections)
    card = charts.robustness_chart(ctx, effect_study)
    # main, in-time placebo, AugSynth, two donor pools, two leave-one-out: estimates, not the screens
    assert len(card.figure.axes[0].collections[0].get_offsets()) == 7
    assert plots.theme.number(effect_study.robustness["mean_post_gap"].iloc[0], lang, 2) in card.alt_text
    # the alt text gives the estimates' range as the page's text does, the in-time placebo apart
    robust = effect_study.robustness
    effect = robust[robust["check"].ne("in_time_placebo") & robust["check"].ne("placebo_screen")]
    n_estimates = int(effect["mean_post_gap"].notna().sum())
    low = plots.theme.number(effect["mean_post_gap"].min(), lang, 2)
    assert low in card.alt_text
    assert {"en": f"{n_estimates} estimates", "vi": f"{n_estimates} ước lượng"}[lang] in card.alt_text
    assert {"en": "in-time placebo", "vi": "kiểm định giả theo thời gian"}[lang] in card.alt_text
    sub = charts.subindex_chart(ctx, effect_study)
    assert "2012, 2013, 2014, 2015, 2016" in sub.alt_text and "2012, 2013, 2014, 2015, 2016" in sub.footer
    assert "2017" in sub.footer  # the sub-indices' series break is noted
    assert len({bands.alt_text, card.alt_text, sub.alt_text, gap.alt_text}) == 4


def test_any_province_and_start_year():
    data = panel(0.0)
    result = cs.study(data, "Hà Nội", 2013, fake_start=2010, subindices=(), leave_out=1)
    fit = result.main.fit.iloc[0]
    assert fit["province"] == "Hà Nội" and fit["start_year"] == 2013 and fit["pre_years"] == "2006–2012"
    assert list(result.intervals["year"]) == [2013, 2014, 2015, 2016]
    assert result.intervals["level"].iloc[0] == pytest.approx(7 / 8, abs=1e-4)  # seven pre-period years
    in_time = result.robustness.set_index("check").loc["in_time_placebo"]
    assert in_time["start_year"] == 2010 and in_time["post_years"] == "2010, 2011, 2012"
    # a fake start that is not before the real one is no in-time placebo
    later = cs.study(data, "Hà Nội", 2013, fake_start=2014, subindices=(), leave_out=0)
    assert "in_time_placebo" not in set(later.robustness["check"]) and later.in_time.empty


def test_a_single_post_period_year_is_counted_in_the_singular():
    # "includes zero in 1 of 1 years": a start year with one post-period year held
    data = panel(8.0, indicators=("overall", "transparency"))
    result = cs.study(data, "Quảng Ninh", 2016, fake_start=None, subindices=("transparency",), leave_out=0)
    assert list(result.intervals["year"]) == [2016]
    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    for lang, one in {"en": " of 1 year", "vi": "/1 năm"}.items():
        texts = [
            reading.headline(result, lang),
            *reading.interval_sentences(result, lang),
            *reading.subindex_sentences(result, lang)[1:],
            charts.interval_chart(plots.DrawingContext(lang=lang, out_dir=None), result).alt_text,
        ]
        assert not [s for s in texts if "1 years" in s or "1 post-period years" in s]
        counted = [s for s in texts if one in s or " of 1 post-period year." in s]
        assert len(counted) == 4, texts


def test_the_study_names_provinces_as_readers_know_them():
    # Hồ Chí Minh treated: its sentences, chart titles and alt texts say "TP. Hồ Chí Minh" /
    # "Ho Chi Minh City", never the bare name of the person
    import re

    from egov_analysis import plots
    from egov_analysis.analysis import counterfactual as cf
    from egov_analysis.plots import counterfactual as charts

    data = panel(8.0).replace({"province_code": {"22": "79"}})
    result = cs.study(data, "Hồ Chí Minh", 2012, fake_start=None, subindices=(), leave_out=1)
    for lang, shown in {"vi": "TP. Hồ Chí Minh", "en": "Ho Chi Minh City"}.items():
        ctx = plots.DrawingContext(lang=lang, out_dir=None)
        drawn = [charts.interval_chart(ctx, result), charts.weights_chart(ctx, result.main)]
        texts = [
            reading.headline(result, lang),
            *reading.card_sentences(result, lang),
            *reading.reading(result, data, lang),
            *cf.findings(result.main, lang),
            *[c.title for c in drawn],
            *[c.alt_text for c in drawn],
        ]
        assert all(shown in t for t in [texts[0], *[c.title for c in drawn]]), texts
        bare = [t for t in texts if re.search(r"(?<!TP\. )Hồ Chí Minh", t)]
        assert not bare, bare


def test_the_interval_chart_and_the_sentence_count_years_including_zero_alike(effect_study):
    # a year without an interval (its point estimate rejected): the sentence counted it among the
    # years including zero, the chart's alt text did not — one count for one quantity
    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    bands = effect_study.intervals.assign(lower=-1.0, upper=12.0)
    bands.loc[0, ["lower", "upper"]] = np.nan
    holed = dataclasses.replace(effect_study, intervals=bands)
    n_zero, n = reading.evidence(holed)["n_zero"], len(bands)
    phrase = f"includes zero in {n_zero} of {n}"
    assert phrase in reading.interval_sentences(holed, "en")[0]
    assert phrase in charts.interval_chart(plots.DrawingContext(lang="en", out_dir=None), holed).alt_text
