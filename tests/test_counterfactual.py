"""The synthetic control is used right: on data generated from a factor model, a known effect is
recovered within the stated uncertainty and flagged; no effect is not flagged."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from support import SCM_CODES, pci_rows

from egov_analysis.analysis.counterfactual import (
    CounterfactualError,
    findings,
    placebo_runs,
    synthetic_control,
    write_tables,
)

CODES = SCM_CODES  # the treated one is Quảng Ninh (22)
PRE, POST = list(range(2006, 2012)), list(range(2012, 2017))


def factor_panel(effect: float, seed: int, noise: float = 0.3) -> pd.DataFrame:
    """Scores y_it = 60 + loadings_i · factors_t + noise, with the treated unit's loadings a convex
    combination of three donors' (so a synthetic control exists) and ``effect`` added to it
    from 2012: the indices table's columns, one indicator."""
    rng = np.random.default_rng(seed)
    years = PRE + POST
    factors = rng.normal(0, 3, size=(len(years), 2)).cumsum(axis=0)
    loadings = rng.uniform(0.2, 1.8, size=(len(CODES), 2))
    mix = rng.dirichlet([1, 1, 1])
    loadings[0] = mix @ loadings[1:4]
    scores = 60 + factors @ loadings.T + rng.normal(0, noise, size=(len(years), len(CODES)))
    scores[len(PRE) :, 0] += effect
    return pci_rows(scores, years, CODES)


def test_a_known_effect_is_recovered_within_its_uncertainty_and_flagged():
    result = synthetic_control(factor_panel(effect=8.0, seed=3), "Quảng Ninh", 2012, leave_out=1)
    fit = result.fit.iloc[0]
    assert fit["n_donors"] == 11 and fit["n_runs"] == 12
    assert abs(fit["mean_post_gap"] - 8.0) <= fit["uncertainty"]
    assert fit["pre_rmspe"] < 1.0
    assert fit["rank"] == 1 and fit["p_value"] == pytest.approx(1 / 12)
    assert result.weights["weight"].sum() == pytest.approx(1.0)
    assert (result.weights["weight"] >= -1e-9).all()
    post = result.gaps.query("period == 'post'")
    assert (post["gap"] > 4).all()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_placebo_runs_are_counted_from_the_data_not_with_the_province_own_run(lang):
    # the phase page said "of the 63 placebo runs" where 62 donors gave 62 placebo runs: the
    # treated province's own run is one of the runs, not a placebo
    result = synthetic_control(factor_panel(effect=8.0, seed=3), "Quảng Ninh", 2012, leave_out=0)
    fit = result.fit.iloc[0]
    assert placebo_runs(result.placebos) == fit["n_placebos"] == fit["n_donors"] == 11
    assert fit["n_runs"] == 12
    result.placebos.loc[result.placebos["role"].eq("placebo").idxmax(), "pre_rmspe"] = 0.01
    said = findings(result, lang)
    summary = {
        "en": "of 12 runs (its own and 11 placebo runs)",
        "vi": "/12 lần chạy (lần chạy của chính tỉnh và 11 lần",
    }
    assert any(summary[lang] in s for s in said), said
    near = {"en": "1 of the 11 placebo runs fit", "vi": "1/11 lần chạy kiểm định giả khớp"}
    assert any(s.startswith(near[lang]) for s in said), said


def test_no_effect_is_not_flagged():
    fits = [
        synthetic_control(factor_panel(effect=0.0, seed=seed), "Quảng Ninh", 2012, leave_out=0).fit.iloc[0]
        for seed in range(1, 9)
    ]
    # under no effect the treated unit's rank is a draw among 12: p ≤ 0.1 about once in 12 runs
    assert sum(f["p_value"] <= 0.1 for f in fits) <= 1
    assert all(abs(f["mean_post_gap"]) <= f["uncertainty"] for f in fits)


def test_incomplete_years_and_donors_are_left_out_and_said_so(tmp_path):
    panel = factor_panel(effect=8.0, seed=3)
    # a donor without 2008 is not a donor; a post year with one donor missing is not used
    panel = panel[~((panel["province_code"] == "17") & (panel["year"] == 2008))]
    panel = panel[~((panel["province_code"] == "15") & (panel["year"] == 2016))]
    result = synthetic_control(panel, "Quảng Ninh", 2012, n_placebos=3, leave_out=1)
    donors = result.donors.set_index("province_code")
    assert donors.loc["17", "status"] == "excluded" and donors.loc["17", "missing_years"] == "2008"
    years = result.years.set_index("year")
    assert not years.loc[2016, "used"] and years.loc[2016, "n_with_score"] == 10
    assert result.fit.iloc[0]["post_years"] == "2012, 2013, 2014, 2015"
    assert result.fit.iloc[0]["n_runs"] == 4
    written = write_tables(result, tmp_path, "en")
    assert {p.name for p in written} >= {"scm_weights.csv", "scm_placebos.csv", "scm_gaps.csv"}
    assert pd.read_csv(tmp_path / "scm_gaps.csv")["year"].max() == 2015


@pytest.mark.parametrize(("lang", "shown"), [("vi", "TP. Hồ Chí Minh"), ("en", "Ho Chi Minh City")])
def test_the_tables_beside_the_figures_give_provinces_as_readers_know_them(tmp_path, lang, shown):
    # the weights, donors and placebos CSVs held the bare "Hồ Chí Minh" where every chart's CSV
    # gives "TP. Hồ Chí Minh": a donor renamed Hồ Chí Minh (79), one left out for a missing year
    panel = factor_panel(effect=8.0, seed=3).replace({"province_code": {"17": "79", "15": "28"}})
    panel = panel[~((panel["province_code"] == "28") & (panel["year"] == 2008))]  # Hà Tây
    result = synthetic_control(panel, "Quảng Ninh", 2012, n_placebos=12, leave_out=0)
    write_tables(result, tmp_path, lang)
    for name in ("scm_weights", "scm_donors", "scm_placebos"):
        table = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        row = table[table["province_code"].eq("79")]
        assert list(row["province"]) == [shown], name  # the code keeps the canonical key
    donors = pd.read_csv(tmp_path / "scm_donors.csv", dtype=str, keep_default_na=False)
    assert donors.set_index("province_code").loc["28", "merged_into"] == "Hà Nội"


def test_a_pre_period_reproduced_exactly_gives_no_ratio_p_value(lang="en"):
    # Quảng Ninh's pre-period scores the mean of two donors': the fit is exact (RMSPE at the
    # solver's rounding, ~1e-11), so its post/pre ratio is a ratio of rounding errors and its rank
    # among the placebos' says nothing: no ratio p-value (as for the real in-time placebo 2006-2008)
    from egov_analysis.analysis.counterfactual import findings

    panel = factor_panel(effect=8.0, seed=3)
    wide = panel.pivot(index="year", columns="province_code", values="score")
    exact = (wide["01"] + wide["02"]) / 2
    pre = panel["province_code"].eq("22") & panel["year"].isin(PRE)
    panel.loc[pre, "score"] = panel.loc[pre, "year"].map(exact)
    fit = synthetic_control(panel, "Quảng Ninh", 2012, leave_out=0).fit.iloc[0]
    assert fit["pre_rmspe"] < 1e-6
    assert np.isnan(fit["p_value"]) and np.isnan(fit["rmspe_ratio"])
    assert np.isnan(fit["p_value_screen_2"]) and np.isnan(fit["p_value_screen_5"])
    assert fit["p_value_mean_gap"] == pytest.approx(1 / 12)  # the mean gap's test still stands
    summary = " ".join(findings(synthetic_control(panel, "Quảng Ninh", 2012, leave_out=0), lang))
    assert "not published" not in summary and "permutation p-value –" in summary


def test_a_short_pre_period_is_refused():
    with pytest.raises(CounterfactualError, match="pre-period years"):
        synthetic_control(factor_panel(effect=0.0, seed=1), "Quảng Ninh", 2008)


def test_sub_indices_can_join_the_predictors():
    panel = factor_panel(effect=8.0, seed=3)
    extra = panel.assign(indicator="entry_costs", score=panel["score"] / 10)
    result = synthetic_control(
        pd.concat([panel, extra]), "Quảng Ninh", 2012, predictors=("entry_costs",), n_placebos=2, leave_out=0
    )
    fit = result.fit.iloc[0]
    assert result.weights["weight"].sum() == pytest.approx(1.0)
    assert abs(fit["mean_post_gap"] - 8.0) < 2.0


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_each_synthetic_control_chart_says_what_it_shows_in_its_alt_text(lang):
    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    result = synthetic_control(
        factor_panel(effect=8.0, seed=3), "Quảng Ninh", 2012, n_placebos=3, leave_out=1
    )
    ctx = plots.DrawingContext(lang=lang, out_dir=None)
    fit = result.fit.iloc[0]
    alts = {
        kind: chart(ctx, result).alt_text
        for kind, chart in {
            "gap": charts.gap_chart,
            "placebos": charts.placebo_chart,
            "ratios": charts.ratio_chart,
            "leave_one_out": charts.leave_one_out_chart,
            "weights": charts.weights_chart,
        }.items()
    }
    gap = plots.theme.number(fit["mean_post_gap"], lang, 2)
    assert "Quảng Ninh" in alts["gap"] and gap in alts["gap"] and "2012" in alts["gap"]
    assert gap in alts["placebos"] and " 3 " in alts["placebos"]
    assert f"{int(fit['rank'])}" in alts["ratios"] and str(int(fit["n_runs"])) in alts["ratios"]
    assert str(result.leave_one_out["dropped"].iloc[0]) in alts["leave_one_out"]
    largest = result.weights.sort_values("weight", ascending=False).iloc[0]["province"]
    assert largest in alts["weights"]
    assert len(set(alts.values())) == 5 and not any("CSV" in a for a in alts.values())


def test_the_leave_one_out_chart_of_an_analysis_that_left_no_donor_out_shows_the_two_lines():
    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    result = synthetic_control(
        factor_panel(effect=8.0, seed=3), "Quảng Ninh", 2012, n_placebos=0, leave_out=0
    )
    chart = charts.leave_one_out_chart(plots.DrawingContext(lang="en", out_dir=None), result)
    assert len([line for line in chart.figure.axes[0].lines if line.get_linestyle() != ":"]) == 2


@pytest.mark.parametrize(("lang", "unit_word"), [("en", "Provinces"), ("vi", "Các tỉnh")])
def test_the_ratio_chart_axis_names_the_provinces_its_bars_stand_for(lang, unit_word):
    """One bar per province (the treated one and each donor as a placebo): the axis says so, and
    never calls the bars a number of runs ("Số lần chạy")."""
    from egov_analysis import plots
    from egov_analysis.plots import counterfactual as charts

    result = synthetic_control(
        factor_panel(effect=8.0, seed=3), "Quảng Ninh", 2012, n_placebos=3, leave_out=0
    )
    chart = charts.ratio_chart(plots.DrawingContext(lang=lang, out_dir=None), result)
    ax = chart.figure.axes[0]
    assert len(ax.patches) == len(result.placebos)  # a bar per province
    label = ax.get_xlabel()
    assert label.startswith(unit_word) and "Quảng Ninh" in label
    assert "lần chạy" not in label.lower() and "runs" not in label.lower()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_year_left_out_is_counted_as_the_coverage_function_counts_it(lang):
    """One quantity, one count: a post-period year left out for missing scores gives the counts of
    meta.coverage.coverage (units with a score, units held with a score or a rank, units ranked),
    the same numbers every other page gives for that year."""
    from egov_analysis.meta.coverage import coverage

    panel = factor_panel(effect=8.0, seed=3).assign(rank=pd.NA, n_ranked=len(CODES))
    held_as_rank = (panel["year"] == 2016) & panel["province_code"].isin(CODES[5:7])
    panel.loc[held_as_rank, "rank"] = 3  # two units held in 2016 with a rank and no score
    panel.loc[held_as_rank, "score"] = np.nan
    result = synthetic_control(panel, "Quảng Ninh", 2012, n_placebos=0, leave_out=0)
    held = coverage(panel).set_index("year").loc[2016]
    year = result.years.set_index("year").loc[2016]
    assert not year["used"] and (year["n_score"], year["n_held"]) == (held["n_score"], held["n_held"])
    assert (held["n_score"], held["n_held"]) == (len(CODES) - 2, len(CODES))
    said = next(s for s in findings(result, lang) if "2016" in s and s != findings(result, lang)[0])
    numbers = [int(n) for n in re.findall(r"\d+", said.split("2016", 1)[1])]
    assert numbers[:3] == [len(CODES) - 2, len(CODES), len(CODES)]
