"""A counterfactual for a province's index score: the synthetic control method (pysyncon).

What the province's score would have been without its programme is estimated as a weighted
average of other provinces (the donors) whose scores tracked it before the programme began.
The weights (non-negative, summing to one) are pysyncon's ``Synth`` solution with every
pre-period year's score as a predictor (and optionally the pre-period means of sub-indices);
the predictor weights V are fixed equal by default — with the outcome's own years as the
predictors this is the usual choice and it keeps a placebo run under a second — or optimised
by pysyncon's nested search (``optimise_v=True``, about 10 s per run).

Inference is by placebos in space: every donor is treated in turn (with the other donors as its
pool) and the ratio of post- to pre-period RMSPE of the treated province is ranked among them;
the rank divided by the number of runs is the permutation p-value. With few pre-period years and
many donors, many placebos are reproduced almost exactly and their ratios run to the thousands,
so the p-value is also given among the placebos whose pre-period fit is comparable (Abadie,
Diamond & Hainmueller 2010): pre-period RMSPE within a factor of 2 and of 5 of the treated
province's (``SCREENS``).

With equal predictor weights and no extra predictors the weights are those of pysyncon's
``Synth`` computed by :func:`~egov_analysis.analysis.counterfactual_intervals.scaled_weights`
(the same objective solved exactly, in milliseconds instead of a second: the placebo runs (one per donor) and
the conformal re-fits need it); ``Synth`` itself fits when predictors are added or V optimised.
Where the pre-period fit is near perfect (many donors, few years) the weights are not unique and
the post-period gap depends on which solution is found: such a fit says little. The spread of the placebos'
mean post-period gaps is the method's noise on provinces without the programme: its 90th
percentile (of absolute values) is stated beside the estimate as its uncertainty.

Only complete years are used: a donor needs a score in every pre-period year (Hà Tây, merged
into Hà Nội in 2008, is excluded that way), and a post-period year is used only when the treated
province and every donor have a score that year; the years and provinces left out are returned
with the reason. The result is a comparison, not proof of cause: the reading of
:mod:`~egov_analysis.analysis.counterfactual_reading` says what it does and does not show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..csv_safe import write_csv
from ..meta import index_id
from ..provinces import UNIT_NAME_COLUMNS, display_name, display_names, provinces, resolve
from .counterfactual_intervals import scaled_weights

# pre-fit screens of the placebo test: a placebo counts when its pre-period RMSPE is within this
# factor of the treated province's, either way
SCREENS = (2.0, 5.0)

# a pre-period RMSPE below this (score points; scores are published to two decimals) is the
# solver's rounding, not a fit: the post/pre ratio of such a run is a ratio of rounding errors
EXACT_FIT = 1e-6


class CounterfactualError(ValueError):
    """The data do not allow the analysis (too few pre-period years, donors or post years)."""


@dataclass(frozen=True)
class SyntheticControlResult:
    """Tables of one synthetic-control analysis; every frame is tidy and written by ``write_tables``.

    - ``weights``: ``province_code``, ``province``, ``weight`` (every donor, largest first);
    - ``gaps``: ``year``, ``period`` (pre / post), ``actual``, ``synthetic``, ``gap`` (actual −
      synthetic, score points);
    - ``fit``: one row: ``province_code``, ``province``, ``start_year``, ``pre_years``,
      ``post_years``, ``n_donors``, ``pre_rmspe``, ``post_rmspe``, ``rmspe_ratio``,
      ``mean_post_gap``, ``uncertainty`` (90th percentile of the placebos' absolute mean
      post gaps), ``rank`` (of the ratio among all runs, 1 = largest), ``n_runs`` (the treated
      province's own run and the placebo runs), ``n_placebos`` (:func:`placebo_runs`), ``p_value``
      (rank / runs; NaN, as are ``rmspe_ratio`` and the screened p-values, when the treated
      province's pre-period RMSPE is below ``EXACT_FIT``: a ratio of rounding errors),
      ``p_value_mean_gap`` (share of runs whose mean post gap is at least the
      treated province's: less sensitive to placebos whose pre-period fit is near perfect),
      ``p_value_screen_2`` / ``n_runs_screen_2`` / ``n_placebos_screen_2`` and the same for 5
      (the ratio p-value among the treated province and the placebos whose pre-period RMSPE is
      within a factor 2 / 5 of the treated province's; NaN when none is), ``donor_pool``
      (``all`` or the name given);
    - ``placebos``: ``province_code``, ``province``, ``role`` (treated / placebo),
      ``pre_rmspe``, ``post_rmspe``, ``rmspe_ratio``, ``mean_post_gap``, ``rank``;
    - ``placebo_gaps``: ``province_code``, ``role``, ``year``, ``gap``;
    - ``leave_one_out``: ``dropped_code``, ``dropped``, ``year``, ``synthetic``, ``gap``;
    - ``donors``: ``province_code``, ``province``, ``status`` (donor / excluded),
      ``missing_years`` (pre-period years without a score), ``merged_into`` (for a province that
      was merged into another, e.g. Hà Tây into Hà Nội in 2008);
    - ``years``: ``year``, ``period``, ``used``, ``n_with_score``, ``n_needed`` (the fit's own
      count: donors and the treated province), and the year's list as held, from the one
      coverage function (:func:`egov_analysis.meta.coverage.coverage`): ``n_score``, ``n_held``,
      ``n_ranked``.
    """

    weights: pd.DataFrame
    gaps: pd.DataFrame
    fit: pd.DataFrame
    placebos: pd.DataFrame
    placebo_gaps: pd.DataFrame
    leave_one_out: pd.DataFrame
    donors: pd.DataFrame
    years: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "scm_weights": self.weights,
            "scm_gaps": self.gaps,
            "scm_fit": self.fit,
            "scm_placebos": self.placebos,
            "scm_placebo_gaps": self.placebo_gaps,
            "scm_leave_one_out": self.leave_one_out,
            "scm_donors": self.donors,
            "scm_years": self.years,
        }


def outcome_panel(panel: pd.DataFrame, index: str = "pci", indicator: str = "overall") -> pd.DataFrame:
    """Year × province code of one index's scores (provinces before 2025); gaps stay NaN.
    ``index``: its id in any case."""
    index = index_id(index)
    rows = panel[
        panel["index"].eq(index) & panel["indicator"].eq(indicator) & panel["geography"].eq("provinces_63")
    ]
    wide = rows.pivot_table(index="year", columns="province_code", values="score", aggfunc="first")
    wide.index = wide.index.astype(int)
    return wide.astype(float).sort_index()


def _held_coverage(panel: pd.DataFrame, index: str, indicator: str) -> pd.DataFrame:
    """Each year's coverage of the outcome's list (``n_score``, ``n_held``, ``n_ranked``) as
    :func:`egov_analysis.meta.coverage.coverage` counts it for every page: one count per quantity."""
    from ..meta.coverage import coverage

    rows = panel[
        panel["index"].eq(index_id(index))
        & panel["indicator"].eq(indicator)
        & panel["geography"].eq("provinces_63")
    ]
    for column in ("rank", "n_ranked"):  # a panel of scores alone (a study's inline panel)
        if column not in rows:
            rows = rows.assign(**{column: pd.NA})
    held = coverage(rows.assign(year=rows["year"].astype(int)))
    return held[["year", "n_score", "n_held", "n_ranked"]]


def fit_weights(
    wide: pd.DataFrame,
    treated: str,
    donors: list[str],
    pre_years: list[int],
    extra_predictors: pd.DataFrame | None = None,
    optimise_v: bool = False,
) -> pd.Series:
    """pysyncon's synthetic-control weights of ``donors`` for ``treated`` (index: donor code).

    Predictors are the outcome in each pre-period year, plus the rows of ``extra_predictors``
    (predictor × province code, e.g. pre-period means of sub-indices) when given."""
    from pysyncon import Synth

    units = [*donors, treated]
    x = wide.loc[pre_years, units]
    x.index = [f"outcome_{y}" for y in pre_years]
    if extra_predictors is not None:
        x = pd.concat([x, extra_predictors[units]])
    z = wide.loc[pre_years, units]
    synth = Synth()
    options = {} if optimise_v else {"custom_V": np.ones(len(x))}
    synth.fit(X0=x[donors], X1=x[treated], Z0=z[donors], Z1=z[treated], **options)
    return pd.Series(np.asarray(synth.W, dtype=float), index=donors, name="weight")


def _rmspe(gap: pd.Series) -> float:
    return float(np.sqrt((gap.astype(float) ** 2).mean()))


def _run(
    wide: pd.DataFrame,
    treated: str,
    donors: list[str],
    pre: list[int],
    post: list[int],
    extra: pd.DataFrame | None,
    optimise_v: bool,
) -> tuple[pd.Series, pd.Series]:
    # numpy, not pandas, inside: a study runs this a few hundred times
    years = pre + post
    position = {c: i for i, c in enumerate(wide.columns)}
    block = wide.loc[years].to_numpy(dtype=float)
    x = block[:, [position[d] for d in donors]]
    y = block[:, position[treated]]
    if extra is None and not optimise_v:
        weights = pd.Series(scaled_weights(x[: len(pre)], y[: len(pre)]), index=donors, name="weight")
    else:
        weights = fit_weights(wide, treated, donors, pre, extra, optimise_v)
    return weights, pd.Series(y - x @ weights.to_numpy(), index=years)


def _name(code: str) -> str:
    return provinces()[code].name


def synthetic_control(
    panel: pd.DataFrame,
    province: str = "Quảng Ninh",
    start_year: int = 2012,
    pre_start: int = 2006,
    index: str = "pci",
    indicator: str = "overall",
    predictors: tuple[str, ...] = (),
    n_placebos: int | None = None,
    leave_out: int = 2,
    optimise_v: bool = False,
    donor_pool: tuple[str, ...] | None = None,
    pool_name: str = "all",
    end_year: int | None = None,
) -> SyntheticControlResult:
    """The synthetic-control analysis of ``province`` treated from ``start_year``.

    ``panel`` is the indices table (``load("indices")``) or any frame with its columns
    (``index``, ``indicator``, ``geography``, ``year``, ``province_code``, ``score``). The pre-period
    is ``pre_start`` … ``start_year − 1``; ``predictors`` are further indicators of the same
    index averaged over the pre-period; ``n_placebos`` limits the placebo runs (the first donors by
    code; default all); ``leave_out`` re-fits without each of the largest donors;
    ``donor_pool`` (GSO codes) restricts the donors, named ``pool_name`` in ``fit``; ``end_year``
    ends the post-period (an in-time placebo: a fake start before the programme, stopped before
    the real one).

    Raises :class:`CounterfactualError` naming the problem when fewer than three pre-period
    years, two donors or one post-period year are complete, and ``ValueError`` for an unknown
    province."""
    code = resolve(province).gso_code
    wide = outcome_panel(panel, index, indicator)
    if code not in wide.columns:
        raise CounterfactualError(f"no {index} {indicator} scores for {province}")
    pre = [y for y in range(pre_start, start_year) if y in wide.index]
    if len(pre) < 3:
        raise CounterfactualError(
            f"{index} {indicator}: only {len(pre)} pre-period years in {pre_start}–{start_year - 1}"
        )
    if wide.loc[pre, code].isna().any():
        missing = [y for y in pre if pd.isna(wide.loc[y, code])]
        raise CounterfactualError(f"{province} has no {index} {indicator} score for {missing}")
    complete = wide.loc[pre].notna().all()
    pool = [c for c in wide.columns if c != code and (donor_pool is None or c in donor_pool)]
    donors = [c for c in pool if complete[c]]
    excluded = [c for c in pool if not complete[c]]
    if len(donors) < 2:
        have = "province has" if len(donors) == 1 else "provinces have"
        raise CounterfactualError(f"only {len(donors)} {have} a complete pre-period series")
    post_all = [y for y in wide.index if y >= start_year and (end_year is None or y <= end_year)]
    counts = wide.loc[post_all, [*donors, code]].notna().sum(axis=1)
    post = [y for y in post_all if counts[y] == len(donors) + 1]
    if not post:
        raise CounterfactualError(f"no post-period year from {start_year} has a score for every donor")
    years = pd.DataFrame(
        {
            "year": pre + post_all,
            "period": ["pre"] * len(pre) + ["post"] * len(post_all),
            "used": [True] * len(pre) + [y in post for y in post_all],
            "n_with_score": [int(wide.loc[y, [*donors, code]].notna().sum()) for y in pre + post_all],
            "n_needed": len(donors) + 1,
        }
    )
    years = years.merge(_held_coverage(panel, index, indicator), on="year", how="left")
    donor_table = pd.DataFrame(
        [{"province_code": c, "province": _name(c), "status": "donor", "missing_years": ""} for c in donors]
        + [
            {
                "province_code": c,
                "province": _name(c),
                "status": "excluded",
                "missing_years": ", ".join(str(y) for y in pre if pd.isna(wide.loc[y, c])),
            }
            for c in excluded
        ]
    )
    merged = [provinces()[c].merged_into for c in donor_table["province_code"]]
    donor_table["merged_into"] = [_name(c) if isinstance(c, str) and c else "" for c in merged]
    extra = None
    if predictors:
        extra = pd.DataFrame(
            {
                p: outcome_panel(panel, index, p).reindex(columns=wide.columns).loc[pre].mean()
                for p in predictors
            }
        ).T
        extra.index = [f"{p}_mean" for p in predictors]

    weights, gap = _run(wide, code, donors, pre, post, extra, optimise_v)
    synthetic = wide.loc[pre + post, code] - gap
    gaps = pd.DataFrame(
        {
            "year": pre + post,
            "period": ["pre"] * len(pre) + ["post"] * len(post),
            "actual": wide.loc[pre + post, code].to_numpy(),
            "synthetic": synthetic.to_numpy(),
            "gap": gap.to_numpy(),
        }
    )

    runs = [(code, "treated", gap)]
    for donor in donors[: n_placebos if n_placebos is not None else len(donors)]:
        others_pool = [d for d in donors if d != donor]
        runs.append((donor, "placebo", _run(wide, donor, others_pool, pre, post, extra, optimise_v)[1]))
    placebos = pd.DataFrame(
        [
            {
                "province_code": c,
                "province": _name(c),
                "role": role,
                "pre_rmspe": _rmspe(g.loc[pre]),
                "post_rmspe": _rmspe(g.loc[post]),
                "mean_post_gap": float(g.loc[post].mean()),
            }
            for c, role, g in runs
        ]
    )
    placebos["rmspe_ratio"] = placebos["post_rmspe"] / placebos["pre_rmspe"]
    placebos["rank"] = placebos["rmspe_ratio"].rank(ascending=False, method="max").astype(int)
    placebo_gaps = pd.concat(
        [
            pd.DataFrame({"province_code": c, "role": role, "year": g.index, "gap": g.to_numpy()})
            for c, role, g in runs
        ],
        ignore_index=True,
    )
    treated = placebos.iloc[0]
    others = placebos[placebos["role"].eq("placebo")]
    # the treated province's pre-period reproduced exactly (few years, many donors): its ratio,
    # and so its rank among the placebos' ratios, is rounding noise and no test
    exact = bool(treated["pre_rmspe"] < EXACT_FIT)
    fit = pd.DataFrame(
        [
            {
                "province_code": code,
                "province": _name(code),
                "index": index,
                "indicator": indicator,
                "start_year": start_year,
                "pre_years": f"{pre[0]}–{pre[-1]}",
                "post_years": ", ".join(map(str, post)),
                "n_donors": len(donors),
                "pre_rmspe": treated["pre_rmspe"],
                "post_rmspe": treated["post_rmspe"],
                "rmspe_ratio": np.nan if exact else treated["rmspe_ratio"],
                "mean_post_gap": treated["mean_post_gap"],
                "uncertainty": float(others["mean_post_gap"].abs().quantile(0.9)) if len(others) else np.nan,
                "rank": int(treated["rank"]),
                # the province's own run and the placebo runs: the ratio's rank is among these
                "n_runs": len(placebos),
                "n_placebos": placebo_runs(placebos),
                "p_value": np.nan if exact else int(treated["rank"]) / len(placebos),
                # one-sided: runs whose mean post gap is at least the treated province's
                "p_value_mean_gap": float(
                    (placebos["mean_post_gap"] >= treated["mean_post_gap"]).sum() / len(placebos)
                ),
                **(
                    {
                        key: np.nan if key.startswith("p_") else n
                        for key, n in screened_p_values(placebos).items()
                    }
                    if exact
                    else screened_p_values(placebos)
                ),
                "donor_pool": pool_name,
            }
        ]
    )

    loo = []
    for dropped in weights.sort_values(ascending=False).index[:leave_out]:
        kept = [d for d in donors if d != dropped]
        _, g = _run(wide, code, kept, pre, post, extra, optimise_v)
        loo.append(
            pd.DataFrame(
                {
                    "dropped_code": dropped,
                    "dropped": _name(dropped),
                    "year": g.index,
                    "synthetic": (wide.loc[pre + post, code] - g).to_numpy(),
                    "gap": g.to_numpy(),
                }
            )
        )
    weight_table = (
        weights.rename_axis("province_code")
        .reset_index()
        .assign(province=lambda f: f["province_code"].map(_name))
        .sort_values(["weight", "province_code"], ascending=[False, True])[
            ["province_code", "province", "weight"]
        ]
        .reset_index(drop=True)
    )
    return SyntheticControlResult(
        weights=weight_table,
        gaps=gaps,
        fit=fit,
        placebos=placebos.sort_values("rank", kind="stable").reset_index(drop=True),
        placebo_gaps=placebo_gaps,
        leave_one_out=pd.concat(loo, ignore_index=True) if loo else pd.DataFrame(),
        donors=donor_table,
        years=years,
    )


def screened_p_values(placebos: pd.DataFrame, screens: tuple[float, ...] = SCREENS) -> dict[str, float]:
    """The RMSPE-ratio p-value among the treated province and the placebos whose pre-period RMSPE
    is within a factor ``k`` of the treated province's (``treated / k ≤ pre ≤ treated · k``), for
    each ``k`` of ``screens``: ``{"p_value_screen_2": …, "n_runs_screen_2": …,
    "n_placebos_screen_2": …, …}`` (the runs with the treated province's own; the placebo runs).

    ``placebos`` has the columns of ``SyntheticControlResult.placebos`` (``role``, ``pre_rmspe``,
    ``rmspe_ratio``), one row with role ``treated``."""
    treated = placebos[placebos["role"].eq("treated")].iloc[0]
    others = placebos[placebos["role"].eq("placebo")]
    out: dict[str, float] = {}
    for k in screens:
        kept = others[others["pre_rmspe"].between(treated["pre_rmspe"] / k, treated["pre_rmspe"] * k)]
        label = f"{k:g}"
        # no comparable placebo: no test (a p-value of 1/1 would read as evidence of no effect)
        out[f"p_value_screen_{label}"] = (
            float((1 + (kept["rmspe_ratio"] >= treated["rmspe_ratio"]).sum()) / (1 + len(kept)))
            if len(kept)
            else float("nan")
        )
        out[f"n_runs_screen_{label}"] = 1 + len(kept)
        out[f"n_placebos_screen_{label}"] = placebo_runs(kept)
    return out


def placebo_runs(placebos: pd.DataFrame) -> int:
    """How many placebo runs ``placebos`` holds: its rows whose ``role`` is ``placebo`` (each donor
    treated in turn). The treated province's own run is not one: with 62 donors a study has 63
    runs and 62 placebo runs. Every page, chart and table counting placebo runs uses this."""
    return int(placebos["role"].eq("placebo").sum())


def write_tables(result: SyntheticControlResult, out_dir: Path, lang: str) -> list[Path]:
    """Every table of ``result`` as ``<out_dir>/scm_<table>.csv`` (for researchers, beside the
    figures of the ``lang`` edition): :func:`write_named_tables`. Returns the paths."""
    return write_named_tables(result.tables(), out_dir, lang)


def write_named_tables(tables: Mapping[str, pd.DataFrame], out_dir: Path, lang: str) -> list[Path]:
    """Each frame of ``tables`` as ``<out_dir>/<name>.csv``, as a chart's CSV gives its data: unit
    names (:data:`~egov_analysis.provinces.UNIT_NAME_COLUMNS`) as readers of ``lang`` know them
    (TP. Hồ Chí Minh; the code stays in ``province_code``), written by the project's one CSV
    writer (:func:`egov_analysis.csv_safe.write_csv`: formula-like text neutralised). Returns
    the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = out_dir / f"{name}.csv"
        write_csv(display_names(frame, lang, UNIT_NAME_COLUMNS), path, float_format="%.6g")
        paths.append(path)
    return paths


def findings(result: SyntheticControlResult, lang: str, top: int = 5) -> list[str]:
    """The analysis in sentences of ``lang`` (catalogue family ``programme.scm``): the set-up,
    the donors and years left out, fit, gap, placebo p-values, the synthetic province's largest
    donors, each leave-one-out run and near-perfect placebo fits (the reading is
    :func:`~egov_analysis.analysis.counterfactual_reading.reading`)."""
    from ..formatting import join
    from ..formatting import number as number_text
    from ..meta.messages import text

    fit = result.fit.iloc[0]
    province = display_name(fit["province"], lang)  # as readers know it: TP. Hồ Chí Minh
    out = [
        text(
            "programme.scm.intro",
            lang,
            province=province,
            pre_years=fit["pre_years"],
            start_year=fit["start_year"],
            n_donors=fit["n_donors"],
        )
    ]
    excluded = result.donors[result.donors["status"].eq("excluded")]
    if not excluded.empty:
        names = "; ".join(
            text(
                "programme.scm.donor_missing",
                lang,
                name=display_name(r.province, lang),
                years=r.missing_years,
            )
            + (
                text("programme.scm.merged", lang, name=display_name(r.merged_into, lang))
                if r.merged_into
                else ""
            )
            for r in excluded.itertuples()
        )
        out.append(text("programme.scm.excluded_donors", lang, names=names))
    left = result.years[~result.years["used"]]
    if not left.empty:
        years = join(
            [
                text(
                    "programme.scm.excluded_year",
                    lang,
                    year=r.year,
                    n_score=number_text(r.n_score, lang, 0),
                    n_ranked=number_text(r.n_ranked if pd.notna(r.n_ranked) else r.n_needed, lang, 0),
                    n_held=number_text(r.n_held, lang, 0),
                )
                for r in left.itertuples()
            ],
            lang,
        )
        out.append(text("programme.scm.excluded_years", lang, years=years))
    out.append(
        text(
            "programme.scm.summary",
            lang,
            pre_rmspe=number_text(fit["pre_rmspe"], lang, 2),
            start_year=fit["start_year"],
            gap=number_text(fit["mean_post_gap"], lang, 2),
            uncertainty=number_text(fit["uncertainty"], lang, 2),
            ratio="–" if pd.isna(fit["rmspe_ratio"]) else number_text(fit["rmspe_ratio"], lang, 1),
            rank=fit["rank"],
            n_runs=fit["n_runs"],
            n_placebos=fit["n_placebos"],
            p_value="–" if pd.isna(fit["p_value"]) else number_text(fit["p_value"], lang, 3),
            p_gap=number_text(fit["p_value_mean_gap"], lang, 3),
        )
    )
    largest = result.weights[result.weights["weight"] >= 0.005].head(top)
    donors = ", ".join(
        f"{display_name(r.province, lang)} {number_text(r.weight, lang, 3)}" for r in largest.itertuples()
    )
    out.append(text("programme.scm.weights", lang, donors=donors))
    if not result.leave_one_out.empty:
        post = set(result.gaps.loc[result.gaps["period"].eq("post"), "year"])
        loo = result.leave_one_out[result.leave_one_out["year"].isin(post)]
        for dropped, rows in loo.groupby("dropped", sort=False):
            out.append(
                text(
                    "programme.scm.loo",
                    lang,
                    dropped=display_name(str(dropped), lang),
                    gap=number_text(rows["gap"].mean(), lang, 2),
                )
            )
    near = int((result.placebos["role"].eq("placebo") & result.placebos["pre_rmspe"].lt(0.05)).sum())
    if near:
        n_pre = int(result.years["period"].eq("pre").sum())
        fields = {"n": near, "n_placebos": fit["n_placebos"], "province": province, "n_pre": n_pre}
        out.append(text("programme.scm.near_perfect", lang, **fields))
    return out
