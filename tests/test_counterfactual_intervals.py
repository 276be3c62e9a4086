"""The conformal intervals and the placebo test are used right: over many simulated panels from a
factor model with a known effect the 90% intervals cover the effect about 90% of the time, and
with no effect each test rejects at about its nominal rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import SCM_CODES, pci_rows

from egov_analysis.analysis.counterfactual import synthetic_control
from egov_analysis.analysis.counterfactual_intervals import (
    attainable_level,
    conformal_intervals,
    conformal_p_value,
    scaled_weights,
)

DONORS = [f"d{j}" for j in range(8)]


def factor_model(
    seed: int, effect: float, n_pre: int = 19, n_post: int = 2
) -> tuple[pd.DataFrame, pd.Series]:
    """y_jt = μ_j + λ_j · f_t + ε_jt with two stationary factors and unit noise; the treated unit's
    μ and λ are a convex combination of three donors' (a synthetic control exists); ``effect`` is
    added to it in the post-period. Returns (year × donor scores, the treated unit's scores)."""
    rng = np.random.default_rng(seed)
    years = list(range(2000, 2000 + n_pre + n_post))
    factors = rng.normal(0, 3, size=(len(years), 2))
    loadings = rng.uniform(0.2, 1.8, size=(len(DONORS), 2))
    levels = rng.uniform(50, 70, size=len(DONORS))
    mix = np.zeros(len(DONORS))
    mix[:3] = rng.dirichlet([1, 1, 1])
    donors = levels + factors @ loadings.T + rng.normal(0, 1, size=(len(years), len(DONORS)))
    treated = mix @ levels + factors @ (mix @ loadings) + rng.normal(0, 1, size=len(years))
    treated[n_pre:] += effect
    return pd.DataFrame(donors, index=years, columns=DONORS), pd.Series(treated, index=years, name="t")


def test_the_weights_are_pysyncons_synth_weights():
    from pysyncon import Synth

    z0, z1 = factor_model(seed=4, effect=0.0, n_pre=8)
    pre = list(z0.index[:8])
    synth = Synth()
    synth.fit(X0=z0.loc[pre], X1=z1.loc[pre], Z0=z0.loc[pre], Z1=z1.loc[pre], custom_V=np.ones(len(pre)))
    fast = scaled_weights(z0.loc[pre].to_numpy(), z1.loc[pre].to_numpy())
    assert fast.sum() == pytest.approx(1.0) and (fast >= 0).all()
    assert np.abs(fast - np.asarray(synth.W)).max() < 2e-3


def test_a_level_the_pre_period_cannot_give_is_lowered_and_said_so():
    assert attainable_level(0.9, 19) == pytest.approx(0.9)
    assert attainable_level(0.9, 6) == pytest.approx(6 / 7)  # p-values are multiples of 1/7
    assert attainable_level(0.8, 6) == pytest.approx(6 / 7)  # at least the level asked for
    assert attainable_level(0.7, 6) == pytest.approx(5 / 7)
    with pytest.raises(ValueError, match="level"):
        attainable_level(1.2, 6)
    z0, z1 = factor_model(seed=1, effect=0.0, n_pre=6, n_post=1)
    band = conformal_intervals(z0, z1, list(z0.index[:6]), list(z0.index[6:]), level=0.9)
    assert band["level"].iloc[0] == pytest.approx(6 / 7, abs=1e-4) and band["requested_level"].iloc[0] == 0.9
    assert list(band.columns) == ["year", "gap", "lower", "upper", "method", "level", "requested_level"]


def test_90_percent_intervals_cover_a_known_effect_about_90_percent_of_the_time():
    effect, covered, total, widths = 4.0, 0, 0, []
    for seed in range(120):
        z0, z1 = factor_model(seed, effect)
        band = conformal_intervals(z0, z1, list(z0.index[:19]), list(z0.index[19:]), level=0.9, tol=0.05)
        assert (band["level"] == 0.9).all()
        covered += int(((band["lower"] <= effect) & (effect <= band["upper"])).sum())
        total += len(band)
        widths.extend(band["upper"] - band["lower"])
    # 240 year-intervals: a binomial(240, 0.9) share lies in 0.85–0.95 with probability > 0.99
    assert 0.85 <= covered / total <= 0.95
    # informative: much narrower than the spread of the scores (sd ≈ 3 × loadings)
    assert np.median(widths) < 8


def test_with_no_effect_the_conformal_test_rejects_at_about_its_nominal_rate():
    rejected = []
    for seed in range(300):
        z0, z1 = factor_model(seed + 1000, effect=0.0, n_post=1)
        rejected.append(conformal_p_value(z0, z1, list(z0.index[:19]), int(z0.index[19]), 0.0) <= 0.1)
    assert 0.06 <= np.mean(rejected) <= 0.14  # nominal 0.10; binomial(300) sd 0.017
    # and a large effect is rejected as zero nearly always
    power = [
        conformal_p_value(z0, z1, list(z0.index[:19]), int(z0.index[19]), 0.0) <= 0.1
        for z0, z1 in (factor_model(seed + 2000, effect=8.0, n_post=1) for seed in range(40))
    ]
    assert np.mean(power) >= 0.8


def many_donors(seed: int, n_donors: int = 20, n_pre: int = 6) -> tuple[pd.DataFrame, pd.Series]:
    """The PCI's regime: more donors than years (20 donors, six pre-period years, one post year),
    no effect, the treated unit's loadings a convex combination of three donors'."""
    rng = np.random.default_rng(seed)
    years = list(range(2000, 2000 + n_pre + 1))
    factors = rng.normal(0, 3, size=(len(years), 2))
    loadings = rng.uniform(0.2, 1.8, size=(n_donors, 2))
    mix = np.zeros(n_donors)
    mix[:3] = rng.dirichlet([1, 1, 1])
    donors = 60 + factors @ loadings.T + rng.normal(0, 1, size=(len(years), n_donors))
    treated = 60 + factors @ (mix @ loadings) + rng.normal(0, 1, size=len(years))
    columns = [f"d{j}" for j in range(n_donors)]
    return pd.DataFrame(donors, index=years, columns=columns), pd.Series(treated, index=years, name="t")


def test_with_more_donors_than_years_the_intervals_keep_their_level():
    # the re-fit on pre-period + tested year is what keeps the level here: weights fitted on the
    # six pre-period years alone reproduce them almost exactly, and the tested year's residual,
    # out of sample, would nearly always be the largest (an interval that excludes zero)
    excluded = []
    for seed in range(100):
        z0, z1 = many_donors(seed + 3000)
        band = conformal_intervals(z0, z1, list(z0.index[:6]), list(z0.index[6:]), level=0.9, tol=0.05)
        excluded.append(bool((band["lower"] > 0).iloc[0] or (band["upper"] < 0).iloc[0]))
    # nominal 1/7 (ties only lower it); binomial(100, 1/7) exceeds 0.25 with probability < 0.002
    assert np.mean(excluded) <= 0.25


@pytest.mark.parametrize("n_pre, n_donors", [(19, 8), (6, 20)])
def test_each_interval_is_the_set_of_effects_the_test_does_not_reject(n_pre, n_donors):
    # inside each end the effect is kept, a step outside it is rejected: the interval is the
    # inversion of the test, neither narrower nor wider than it (to within the search's tol)
    tol = 0.05
    for seed in range(5):
        if n_pre == 19:
            z0, z1 = factor_model(seed + 4000, effect=3.0, n_pre=n_pre, n_post=1)
        else:
            z0, z1 = many_donors(seed + 4000, n_donors, n_pre)
        pre, year = list(z0.index[:n_pre]), int(z0.index[n_pre])
        band = conformal_intervals(z0, z1, pre, [year], level=0.9, tol=tol).iloc[0]
        size = 1 - band["level"] + 1e-9
        for end, outward in ((band["lower"], -1.0), (band["upper"], 1.0)):
            assert conformal_p_value(z0, z1, pre, year, end) > size, (seed, end)
            assert conformal_p_value(z0, z1, pre, year, end + outward * 1.5 * tol) <= size, (seed, end)


def test_a_year_whose_point_estimate_the_test_rejects_gets_no_interval(monkeypatch):
    # pysyncon's search starts at the point estimate without testing it; were it rejected, the
    # search would return [gap, gap]: a zero-width interval that excludes zero, falsely
    from egov_analysis.analysis import counterfactual_intervals as ci

    z0, z1 = factor_model(seed=2, effect=0.0, n_pre=19, n_post=2)
    pre, post = list(z0.index[:19]), list(z0.index[19:])
    kept = ci.conformal_intervals(z0, z1, pre, post, tol=0.05)
    assert kept[["lower", "upper"]].notna().all().all()
    real = ci.conformal_p_value
    target = int(post[0])

    def rejecting(z0, z1, pre, year, effect):  # the first year's estimate rejected
        gap = float(kept.loc[kept["year"].eq(year), "gap"].iloc[0])
        return 0.0 if year == target and abs(effect - gap) < 1e-9 else real(z0, z1, pre, year, effect)

    monkeypatch.setattr(ci, "conformal_p_value", rejecting)
    band = ci.conformal_intervals(z0, z1, pre, post, tol=0.05).set_index("year")
    assert band.loc[target, ["lower", "upper"]].isna().all()
    assert band.loc[int(post[1]), ["lower", "upper"]].notna().all()


def exchangeable_panel(seed: int) -> pd.DataFrame:
    """Twelve exchangeable provinces (loadings drawn alike, no effect), Quảng Ninh among them:
    the indices table's columns."""
    codes = SCM_CODES
    rng = np.random.default_rng(seed)
    years = list(range(2006, 2016))
    factors = rng.normal(0, 3, size=(len(years), 2))
    scores = 60 + factors @ rng.uniform(0.2, 1.8, size=(len(codes), 2)).T
    scores += rng.normal(0, 1, size=scores.shape)
    return pci_rows(scores, years, codes)


def test_with_no_effect_the_placebo_test_rejects_at_about_its_nominal_rate():
    p_values = [
        synthetic_control(exchangeable_panel(seed), "Quảng Ninh", 2012, leave_out=0).fit.iloc[0]["p_value"]
        for seed in range(100)
    ]
    # 12 runs: p ≤ 0.1 only at rank 1, probability 1/12 under no effect (binomial(100) sd 0.028)
    assert 0.01 <= np.mean(np.array(p_values) <= 0.1) <= 0.17
    assert 0.44 <= np.mean(p_values) <= 0.64  # uniform on 1/12 … 12/12: mean 0.54, sd 0.029


@pytest.mark.extended
def test_intervals_at_the_pcis_six_pre_period_years_cover_at_their_attained_level():
    covered, total = 0, 0
    for seed in range(400):
        z0, z1 = factor_model(seed + 5000, effect=4.0, n_pre=6, n_post=1)
        band = conformal_intervals(z0, z1, list(z0.index[:6]), list(z0.index[6:]), level=0.9, tol=0.05)
        covered += int(((band["lower"] <= 4.0) & (band["upper"] >= 4.0)).sum())
        total += len(band)
    assert abs(covered / total - 6 / 7) <= 0.06


def test_the_fast_augsynth_is_pysyncons_augsynth():
    from pysyncon import AugSynth, Dataprep

    from egov_analysis.analysis.counterfactual_intervals import augsynth_class

    z0, z1 = factor_model(seed=7, effect=2.0, n_pre=8, n_post=2)
    frame = z0.assign(t=z1).stack().rename("score").rename_axis(["year", "unit"]).reset_index()
    pre = list(z0.index[:8])
    prep = Dataprep(
        foo=frame,
        predictors=[],
        predictors_op="mean",
        dependent="score",
        unit_variable="unit",
        time_variable="year",
        treatment_identifier="t",
        controls_identifier=DONORS,
        time_predictors_prior=pre,
        time_optimize_ssr=pre,
    )
    slow, fast = AugSynth(), augsynth_class()()
    slow.fit(prep, use_covariates=False)
    fast.fit(prep, use_covariates=False)
    assert fast.lambda_ == pytest.approx(slow.lambda_, rel=1e-6)
    assert np.abs(np.asarray(fast.W) - np.asarray(slow.W)).max() < 1e-3
