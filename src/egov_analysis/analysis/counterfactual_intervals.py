"""Intervals for a synthetic control's gap in each post-period year: conformal inference.

Chernozhukov, Wüthrich & Zhu (2021, JASA, "An exact and robust conformal inference method for
counterfactual and synthetic controls") test "the effect in year t is g" by subtracting g from the
treated province's score in t, re-fitting the synthetic control on the pre-period years *and* t,
and ranking the absolute residual of t among the absolute residuals of all those years; the
interval is every g the test does not reject. pysyncon's ``ConformalInference`` does the test
inversion; the estimator it re-fits here is :class:`SimplexSynth`, the synthetic control of
pysyncon's ``Synth`` with equal predictor weights (the outcome's years as predictors, each scaled
by its spread across provinces), solved as a non-negative least-squares problem so that the
hundreds of re-fits take milliseconds instead of minutes (``tests/test_counterfactual_intervals.py``
checks it gives ``Synth``'s weights).

The test's p-value is a share of T0 + 1 residuals (T0 pre-period years), so it is never below
1 / (T0 + 1): with the PCI's six pre-period years (2006–2011) the smallest p-value is 1/7 ≈ 0.143
and a 90% interval would be the whole line. A requested level that the pre-period cannot give is
lowered to the highest it can (1 − 1/(T0 + 1), 85.7% for six years) and the table says so
(``level`` against ``requested_level``). The method assumes the synthetic control's residuals
are exchangeable over time (stationary, weakly dependent); a trend the donors do not share makes
the intervals too narrow.

A second method, the prediction intervals of ``scpi-pkg`` (Cattaneo, Feng & Titiunik), which
also account for the weights' own uncertainty, is not used: ``scpi-pkg`` 4.0.0 fails on the
project's pandas 3 (``scdata`` raises "Length of new names must be 1, got 2"), and in a separate
environment with pandas 2.3 it needs cvxpy, statsmodels, scikit-learn and plotnine and about 17 s
for the PCI panel (200 simulations, one core). It can join once it runs on pandas 3.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pysyncon.base import BaseSynth
from pysyncon.inference import ConformalInference
from scipy.optimize import nnls

METHOD = "conformal"

# the columns of the interval table (and of its CSV)
COLUMNS = ["year", "gap", "lower", "upper", "method", "level", "requested_level"]


def simplex_weights(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Weights w ≥ 0 with Σw = 1 minimising ‖x1 − x0 w‖² (x0: rows × donors, x1: rows).

    Solved by non-negative least squares with the sum constraint as a heavily weighted extra
    row, then renormalised; the constraint holds to about 1e-10."""
    x0 = np.asarray(x0, dtype=float)
    x1 = np.asarray(x1, dtype=float)
    penalty = 1e4 * max(1.0, float(np.abs(x0).max()), float(np.abs(x1).max()))
    a = np.vstack([x0, np.full((1, x0.shape[1]), penalty)])
    b = np.append(x1, penalty)
    w, _ = nnls(a, b, maxiter=50 * a.shape[1])
    total = w.sum()
    if total <= 0:
        raise ValueError("simplex_weights: no non-negative solution found")
    return w / total


def scaled_weights(z0: np.ndarray, z1: np.ndarray) -> np.ndarray:
    """The synthetic-control weights of pysyncon's ``Synth`` with equal predictor weights when
    the predictors are the rows of ``z0`` / ``z1``: each row divided by its standard deviation
    across all units (donors and treated), then :func:`simplex_weights`."""
    z = np.column_stack([z0, z1])
    spread = z.std(axis=1, ddof=1)
    spread[~np.isfinite(spread) | (spread == 0)] = 1.0
    return simplex_weights(z0 / spread[:, None], z1 / spread)


class SimplexSynth(BaseSynth):
    """A pysyncon estimator (``BaseSynth``) fitting :func:`scaled_weights` on every row of the
    outcome matrices it is given: what ``ConformalInference`` re-fits under each null."""

    def fit(self, Z0: pd.DataFrame, Z1: pd.Series) -> None:  # noqa: N803  # pysyncon's names
        self.W = scaled_weights(Z0.to_numpy(dtype=float), Z1.to_numpy(dtype=float))
        self.W_names = list(Z0.columns)

    def _synthetic(self, Z0: pd.DataFrame) -> pd.Series:  # noqa: N803  # pysyncon's names
        # pysyncon's own multiplies frames; the same product in numpy is many times faster
        return pd.Series(Z0.to_numpy(dtype=float) @ np.asarray(self.W, dtype=float), index=Z0.index)

    def _gaps(self, Z0: pd.DataFrame, Z1: pd.Series) -> pd.Series:  # noqa: N803  # pysyncon's names
        # residuals are ranked against each other: below 1e-6 points they are the solver's
        # rounding, not the data's (scores are published to 2 decimals), and count as ties
        return super()._gaps(Z0=Z0, Z1=Z1).round(6)


def simplex_qp(v_mat: np.ndarray, x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, float]:
    """pysyncon's inner problem (``VanillaOptimMixin.w_optimize``) for a diagonal ``v_mat``:
    weights on the simplex minimising ½ wᵀPw − qᵀw with P = X0ᵀVX0, q = X0ᵀVX1, and that loss.
    Solved exactly by :func:`simplex_weights` on the rows scaled by √V instead of by SLSQP."""
    scale = np.sqrt(np.clip(np.diag(v_mat), 0, None))
    w = simplex_weights(x0 * scale[:, None], x1 * scale)
    p = x0.T @ v_mat @ x0
    q = x1.T @ v_mat @ x0
    return w, float(0.5 * w @ p @ w - q @ w)


def augsynth_class() -> type:
    """pysyncon's ``AugSynth`` (ridge-augmented synthetic control, Ben-Michael, Feller &
    Rothstein 2021) with its inner simplex problem solved by :func:`simplex_qp`: the same
    estimator, in a fraction of the time (SLSQP at ``ftol=1e-12`` takes about a second per
    fold with 62 donors)."""
    from pysyncon import AugSynth

    class FastAugSynth(AugSynth):
        @staticmethod
        def w_optimize(  # pysyncon calls it with these keyword names
            V_mat: np.ndarray,  # noqa: N803
            X0: np.ndarray,  # noqa: N803
            X1: np.ndarray,  # noqa: N803
            qp_method: str = "SLSQP",
            qp_options: dict[str, object] | None = None,
        ) -> tuple[np.ndarray, float]:
            return simplex_qp(
                np.asarray(V_mat, dtype=float), np.asarray(X0, dtype=float), np.asarray(X1, dtype=float)
            )

    return FastAugSynth


def attainable_level(level: float, n_pre: int) -> float:
    """The confidence level a conformal test with ``n_pre`` pre-period years gives exactly when
    asked for ``level``: p-values are multiples of 1 / (n_pre + 1), so the lowest such level at
    or above ``level`` (0.8 with six years: 6/7); when even the smallest rejection region,
    1/(n_pre + 1), exceeds 1 − ``level``, no interval reaches ``level`` and the level given is
    1 − 1/(n_pre + 1) (0.9 with six years: 6/7 ≈ 0.857)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if n_pre < 1:
        raise ValueError(f"a conformal interval needs pre-period years, got {n_pre}")
    k = max(1, math.floor((1 - level) * (n_pre + 1) + 1e-9))
    return 1 - k / (n_pre + 1)


def conformal_p_value(z0: pd.DataFrame, z1: pd.Series, pre: list[int], year: int, effect: float) -> float:
    """The conformal p-value of "the effect in ``year`` is ``effect``" (the test that
    :func:`conformal_intervals` inverts): the share of the years ``pre`` + [``year``] whose
    absolute residual is at least ``year``'s, after re-fitting with ``effect`` taken off."""
    rows = [*pre, year]
    x0 = z0.loc[rows].to_numpy(dtype=float)
    x1 = z1.loc[rows].to_numpy(dtype=float).copy()
    x1[-1] -= effect
    residuals = np.round(np.abs(x1 - x0 @ scaled_weights(x0, x1)), 6)
    return float(np.mean(residuals >= residuals[-1]))


def conformal_intervals(
    z0: pd.DataFrame,
    z1: pd.Series,
    pre: list[int],
    post: list[int],
    level: float = 0.9,
    tol: float = 0.01,
) -> pd.DataFrame:
    """Conformal intervals of the gap in each ``post`` year (pysyncon's ``ConformalInference``).

    ``z0``: year × donor scores, ``z1``: the treated province's scores by year (every year of
    ``pre`` and ``post`` present, no gaps). Returns the columns of :data:`COLUMNS`: ``gap`` (the
    synthetic control's gap fitted on ``pre``, score points), ``lower`` and ``upper`` (accurate
    to ``tol`` inward), ``level`` (the level attained: :func:`attainable_level`) and
    ``requested_level``; ``lower`` and ``upper`` are NaN in a year whose point estimate the
    test itself rejects (the search for the ends starts from it). Raises ``ValueError`` for
    missing scores."""
    rows = [*pre, *post]
    z0 = z0.loc[rows].astype(float)
    z1 = z1.loc[rows].astype(float)
    if z0.isna().any().any() or z1.isna().any():
        raise ValueError("conformal_intervals: every pre- and post-period year needs a score for every unit")
    attained = attainable_level(level, len(pre))
    # the test keeps g when p(g) > alpha; p is a multiple of 1/(T0 + 1): alpha half a step above
    # the attained size keeps the set exactly that of the attained level, safe from rounding
    alpha = (1 - attained) + 0.5 / (len(pre) + 1)
    scm = SimplexSynth()
    scm.fit(z0.loc[pre], z1.loc[pre])
    pre_gap = scm._gaps(z0.loc[pre], z1.loc[pre])
    step = max(5 * tol, float(np.sqrt((pre_gap**2).mean())), 0.1)
    frame = ConformalInference().confidence_intervals(
        alpha=alpha,
        scm=scm,
        Z0=z0,
        Z1=z1,
        pre_periods=list(pre),
        post_periods=list(post),
        tol=tol,
        max_iter=500,
        step_sz=step,
        verbose=False,
    )
    # pysyncon searches outward from the point estimate without testing it: were the estimate
    # itself rejected, the search would return it as a zero-width interval (excluding zero)
    # where the set of effects kept lies elsewhere or is empty: no interval, not a false one
    rejected = [
        conformal_p_value(z0, z1, list(pre), int(year), float(gap)) <= (1 - attained) + 1e-9
        for year, gap in frame["value"].items()
    ]
    frame.loc[rejected, ["lower_ci", "upper_ci"]] = np.nan
    return pd.DataFrame(
        {
            "year": [int(y) for y in frame.index],
            "gap": frame["value"].to_numpy(dtype=float),
            "lower": frame["lower_ci"].to_numpy(dtype=float),
            "upper": frame["upper_ci"].to_numpy(dtype=float),
            "method": METHOD,
            "level": round(attained, 4),
            "requested_level": level,
        }
    )[COLUMNS]


def years_excluding_zero(bands: pd.DataFrame) -> int:
    """How many years of an interval table (``lower``, ``upper``) have an interval that leaves zero
    out. A year without an interval (its point estimate rejected) is not one. The page's sentences
    and the chart's alt text count "includes zero" as the other years, from this one count."""
    return int(((bands["lower"] > 0) | (bands["upper"] < 0)).sum())
