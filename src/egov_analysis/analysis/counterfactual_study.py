"""The whole counterfactual study of a province: the synthetic control, yearly intervals, a
robustness card and the PCI sub-indices, computed once per set of inputs and cached.

- **Intervals**: conformal intervals of the gap in every post-period year
  (:mod:`~egov_analysis.analysis.counterfactual_intervals`).
- **Robustness card** (``robustness``, one row per check): the main estimate; an in-time placebo
  (a fake start before the programme, e.g. 2009, ending the year before the real start: a gap
  there is not the programme's); a second estimator (pysyncon's ``AugSynth``, Ben-Michael, Feller
  & Rothstein 2021, ridge-augmented, λ by cross-validation); two restricted donor pools that
  follow the treated province (:func:`donor_pools`): its own region of the province registry
  and the two industrial regions (Red River Delta and Southeast); leave-one-out of the largest
  donors; the placebo p-value without and with the pre-fit screen.
- **Sub-indices** (``subindices``): the same analysis on the PCI sub-indices e-government can
  plausibly move (transparency, time costs, informal charges), on whatever years the indices
  table holds complete for every donor.

:func:`cached_study` keys the result by the panel rows it reads, the parameters and this code,
and keeps it under ``<processed>/cache/counterfactual/``: the vi and en editions of a report
compute it once.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import pickle
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..formatting import display_name, join, slug
from ..meta.messages import text
from ..provinces import display_name as provinces_display_name
from ..provinces import provinces, resolve
from .counterfactual import (
    CounterfactualError,
    SyntheticControlResult,
    outcome_panel,
    synthetic_control,
    write_named_tables,
)
from .counterfactual_intervals import COLUMNS as INTERVAL_COLUMNS
from .counterfactual_intervals import augsynth_class, conformal_intervals, years_excluding_zero

# the PCI sub-indices that e-government can plausibly move (indicator ids of meta/indicators.csv)
SUBINDICES = ("transparency", "time_costs", "informal_charges")

# the restricted donor pool kept whatever the province: the two industrial regions of the
# province registry (its own region is the other restricted pool: ``donor_pools``)
INDUSTRIAL_POOL = "industrial_regions"
INDUSTRIAL_REGIONS = ("Red River Delta", "Southeast")

# the columns of the robustness card (and of its CSV)
CARD_COLUMNS = [
    "check",
    "estimator",
    "donor_pool",
    "variant",
    "start_year",
    "pre_years",
    "post_years",
    "n_donors",
    "pre_rmspe",
    "mean_post_gap",
    "p_value",
    "n_runs",
]


@dataclass(frozen=True)
class CounterfactualStudy:
    """Every table of the study (each tidy; ``write_tables`` puts them beside the figures).

    - ``main``: the synthetic control of the overall score (:class:`SyntheticControlResult`);
    - ``intervals``: ``year``, ``gap``, ``lower``, ``upper`` (score points), ``method``,
      ``level``, ``requested_level`` — one row per post-period year;
    - ``robustness``: the columns of :data:`CARD_COLUMNS`; ``check`` is ``main``,
      ``in_time_placebo``, ``estimator``, ``donor_pool`` (one row per pool of :func:`donor_pools`;
      ``donor_pool`` is ``all``, a pool id or ``all_without_<code>``), ``leave_one_out`` or
      ``placebo_screen``; a check that could not run (e.g. a pool with fewer than two donors
      that have the years) holds no numbers and says why in ``variant``;
      ``p_value`` is the RMSPE-ratio permutation p-value (empty where the check has none);
    - ``subindices``: per sub-index ``indicator``, ``pre_years``, ``post_years``, ``n_donors``,
      ``pre_rmspe``, ``mean_post_gap``, ``p_value``, ``p_value_screen_2``, ``p_value_screen_5``,
      ``n_years_excluding_zero``, ``n_post_years``, ``level`` (or ``error``: why it could not run);
    - ``subindex_gaps``: ``indicator``, ``year``, ``period``, ``actual``, ``synthetic``, ``gap``,
      ``lower``, ``upper``;
    - ``in_time``: the in-time placebo's ``gaps`` (the columns of ``SyntheticControlResult.gaps``).
    """

    main: SyntheticControlResult
    intervals: pd.DataFrame
    robustness: pd.DataFrame
    subindices: pd.DataFrame
    subindex_gaps: pd.DataFrame
    in_time: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            **self.main.tables(),
            "scm_intervals": self.intervals,
            "scm_robustness": self.robustness,
            "scm_subindices": self.subindices,
            "scm_subindex_gaps": self.subindex_gaps,
            "scm_in_time_placebo": self.in_time,
        }


def region_pool(region: str) -> str:
    """The id of the donor pool of one region of the registry: ``region_red_river_delta``."""
    return f"region_{slug(region)}"


def donor_pools(province: str) -> dict[str, tuple[str, ...]]:
    """The restricted donor pools of ``province`` (any name the registry resolves): pool id →
    GSO codes of the pool's provinces (the treated one left out, as are provinces merged into
    another before the data begin, e.g. Hà Tây), from the registry's ``region``: first its own
    region (``region_<slug>``), then the two industrial regions (:data:`INDUSTRIAL_POOL`). A
    pool's readers' name is :func:`pool_name`. Raises ``ValueError`` for an unknown province."""
    treated = resolve(province)
    pools = {region_pool(treated.region): (treated.region,), INDUSTRIAL_POOL: INDUSTRIAL_REGIONS}
    return {
        pool: tuple(
            sorted(
                c
                for c, p in provinces().items()
                if p.region in regions and not p.merged_into and c != treated.gso_code
            )
        )
        for pool, regions in pools.items()
    }


def pool_name(pool: str, lang: str) -> str:
    """A donor pool id of the robustness card as readers of ``lang`` know it (catalogue
    ``programme.donor_pool``; a region's pool names the region, ``names.region``). Raises
    :class:`~egov_analysis.meta.messages.MissingMessageError` for an id the catalogue lacks."""
    if pool.startswith("region_"):
        region = display_name("region", pool.removeprefix("region_"), lang)
        return text("programme.donor_pool.region", lang, region=region)
    regions = join([display_name("region", r, lang) for r in INDUSTRIAL_REGIONS], lang)
    return text(f"programme.donor_pool.{pool}", lang, regions=regions)


def _periods(result: SyntheticControlResult) -> tuple[list[int], list[int]]:
    """The pre-period years and the post-period years used of ``result``."""
    years = result.years
    pre = years.loc[years["period"].eq("pre"), "year"].astype(int).tolist()
    post = years.loc[years["period"].eq("post") & years["used"], "year"].astype(int).tolist()
    return pre, post


def intervals_for(result: SyntheticControlResult, panel: pd.DataFrame, level: float) -> pd.DataFrame:
    """Conformal intervals of ``result``'s gap in each post-period year it used."""
    fit = result.fit.iloc[0]
    wide = outcome_panel(panel, str(fit["index"]), str(fit["indicator"]))
    donors = list(result.weights["province_code"])
    pre, post = _periods(result)
    return conformal_intervals(wide[donors], wide[str(fit["province_code"])], pre, post, level)


def _augsynth_row(panel: pd.DataFrame, result: SyntheticControlResult) -> dict[str, object]:
    """pysyncon's ridge-augmented synthetic control on the main analysis's donors and years."""
    from pysyncon import Dataprep

    fit = result.fit.iloc[0]
    code = str(fit["province_code"])
    wide = outcome_panel(panel, str(fit["index"]), str(fit["indicator"]))
    donors = list(result.weights["province_code"])
    pre, post = _periods(result)
    long = (
        wide.loc[pre + post, [*donors, code]]
        .stack()
        .rename("score")
        .rename_axis(["year", "unit"])
        .reset_index()
    )
    prep = Dataprep(
        foo=long,
        predictors=[],
        predictors_op="mean",
        dependent="score",
        unit_variable="unit",
        time_variable="year",
        treatment_identifier=code,
        controls_identifier=donors,
        time_predictors_prior=pre,
        time_optimize_ssr=pre,
    )
    model = augsynth_class()()
    model.fit(prep, use_covariates=False)
    z0, z1 = prep.make_outcome_mats(time_period=pre + post)
    gap = model._gaps(z0, z1)
    return {
        "check": "estimator",
        "estimator": "augsynth",
        "donor_pool": str(fit["donor_pool"]),
        "variant": f"lambda={model.lambda_:.4g}",
        "start_year": int(fit["start_year"]),
        "pre_years": fit["pre_years"],
        "post_years": fit["post_years"],
        "n_donors": len(donors),
        "pre_rmspe": float(np.sqrt((gap.loc[pre] ** 2).mean())),
        "mean_post_gap": float(gap.loc[post].mean()),
        "p_value": np.nan,
        "n_runs": np.nan,
    }


def _fit_summary(fit: pd.Series) -> dict[str, object]:
    """The years, donors, pre-fit, estimate and p-value of a run's ``fit`` row, as a card or
    sub-index row gives them."""
    return {
        "pre_years": fit["pre_years"],
        "post_years": fit["post_years"],
        "n_donors": int(fit["n_donors"]),
        "pre_rmspe": float(fit["pre_rmspe"]),
        "mean_post_gap": float(fit["mean_post_gap"]),
        "p_value": float(fit["p_value"]),
    }


def _card_row(check: str, result: SyntheticControlResult, variant: str = "") -> dict[str, object]:
    fit = result.fit.iloc[0]
    return {
        "check": check,
        "estimator": "synth",
        "donor_pool": str(fit["donor_pool"]),
        "variant": variant,
        "start_year": int(fit["start_year"]),
        **_fit_summary(fit),
        "n_runs": int(fit["n_runs"]),
    }


def _failed_row(
    result: SyntheticControlResult, check: str, estimator: str, pool: str, reason: str
) -> dict[str, object]:
    """A check that could not run: its row says why (``variant``) and holds no numbers."""
    row = _card_row(check, result, reason)
    row.update(estimator=estimator, donor_pool=pool, n_donors=np.nan, pre_rmspe=np.nan)
    row.update(mean_post_gap=np.nan, p_value=np.nan, n_runs=np.nan)
    return row


def robustness_card(
    panel: pd.DataFrame,
    result: SyntheticControlResult,
    fake_start: int | None,
    pre_start: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The robustness card of ``result`` (columns :data:`CARD_COLUMNS`) and the in-time placebo's
    gaps (empty when ``fake_start`` is None or the pre-period before it is too short)."""
    fit = result.fit.iloc[0]
    province, start = str(fit["province"]), int(fit["start_year"])
    index, indicator = str(fit["index"]), str(fit["indicator"])
    rows = [_card_row("main", result)]
    in_time = pd.DataFrame()
    if fake_start is not None and fake_start < start:
        try:
            fake = synthetic_control(
                panel,
                province,
                fake_start,
                pre_start,
                index,
                indicator,
                leave_out=0,
                donor_pool=tuple(result.weights["province_code"]),  # the same donors as the main run
                end_year=start - 1,
            )
            rows.append(_card_row("in_time_placebo", fake, f"start={fake_start}"))
            in_time = fake.gaps
        except CounterfactualError as error:
            rows.append(_failed_row(result, "in_time_placebo", "synth", str(fit["donor_pool"]), str(error)))
    try:
        rows.append(_augsynth_row(panel, result))
    except (ValueError, np.linalg.LinAlgError) as error:  # pysyncon's refusal, named in the row
        rows.append(_failed_row(result, "estimator", "augsynth", str(fit["donor_pool"]), str(error)))
    for pool, codes in donor_pools(province).items():
        try:
            restricted = synthetic_control(
                panel,
                province,
                start,
                pre_start,
                index,
                indicator,
                leave_out=0,
                donor_pool=codes,
                pool_name=pool,
            )
        except CounterfactualError as error:  # e.g. fewer than two donors of the pool have the years
            rows.append(_failed_row(result, "donor_pool", "synth", pool, str(error)))
            continue
        rows.append(_card_row("donor_pool", restricted))
    if not result.leave_one_out.empty:
        _, post = _periods(result)
        for (code, name), runs in result.leave_one_out.groupby(["dropped_code", "dropped"], sort=False):
            row = _card_row("leave_one_out", result, f"without {name}")
            row.update(
                donor_pool=f"all_without_{code}",
                n_donors=int(fit["n_donors"]) - 1,
                pre_rmspe=float(np.sqrt((runs.loc[~runs["year"].isin(post), "gap"] ** 2).mean())),
                mean_post_gap=float(runs.loc[runs["year"].isin(post), "gap"].mean()),
                p_value=np.nan,
                n_runs=np.nan,
            )
            rows.append(row)
    for k in ("2", "5"):
        row = _card_row("placebo_screen", result, f"pre_rmspe_within_{k}x")
        row.update(p_value=float(fit[f"p_value_screen_{k}"]), n_runs=int(fit[f"n_runs_screen_{k}"]))
        rows.append(row)
    return pd.DataFrame(rows)[CARD_COLUMNS], in_time


def _subindex(
    panel: pd.DataFrame, province: str, start: int, pre_start: int, indicator: str, level: float
) -> tuple[dict[str, object], pd.DataFrame]:
    try:
        result = synthetic_control(panel, province, start, pre_start, "pci", indicator, leave_out=0)
    except CounterfactualError as error:
        return {"indicator": indicator, "error": str(error)}, pd.DataFrame()
    fit = result.fit.iloc[0]
    bands = intervals_for(result, panel, level)
    gaps = result.gaps.merge(bands[["year", "lower", "upper"]], on="year", how="left")
    excluding = years_excluding_zero(bands)
    row = {
        "indicator": indicator,
        **_fit_summary(fit),
        "p_value_screen_2": float(fit["p_value_screen_2"]),
        "p_value_screen_5": float(fit["p_value_screen_5"]),
        "n_years_excluding_zero": excluding,
        "n_post_years": len(bands),
        "level": float(bands["level"].iloc[0]),
        "error": "",
    }
    return row, gaps.assign(indicator=indicator)


def study(
    panel: pd.DataFrame,
    province: str = "Quảng Ninh",
    start_year: int = 2012,
    pre_start: int = 2006,
    fake_start: int | None = 2009,
    level: float = 0.9,
    subindices: tuple[str, ...] = SUBINDICES,
    leave_out: int = 2,
) -> CounterfactualStudy:
    """The counterfactual study of ``province``'s PCI from ``start_year`` (see the module text).

    ``panel`` is the indices table; ``level`` the requested interval level (lowered to what the
    pre-period allows: :func:`~egov_analysis.analysis.counterfactual_intervals.attainable_level`).
    Raises :class:`CounterfactualError` when the overall score cannot be analysed; a sub-index
    that cannot says why in its row."""
    name = resolve(province).name
    main = synthetic_control(panel, name, start_year, pre_start, leave_out=leave_out)
    intervals = intervals_for(main, panel, level)
    card, in_time = robustness_card(panel, main, fake_start, pre_start)
    rows, bands = [], []
    for indicator in subindices:
        row, gaps = _subindex(panel, name, start_year, pre_start, indicator, level)
        rows.append(row)
        bands.append(gaps)
    sub_gaps = [b for b in bands if not b.empty]
    return CounterfactualStudy(
        main=main,
        intervals=intervals,
        robustness=card,
        subindices=pd.DataFrame(rows),
        subindex_gaps=pd.concat(sub_gaps, ignore_index=True) if sub_gaps else pd.DataFrame(),
        in_time=in_time,
    )


def _code_fingerprint() -> str:
    """A hash of what the study computes with besides the panel: its modules, the province
    registry (names, regions of the donor pool) and the versions of pysyncon and scipy (which
    compute) and of pandas and numpy (which pickle the result)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in ("counterfactual.py", "counterfactual_intervals.py", "counterfactual_study.py"):
        digest.update((here / module).read_bytes())
    digest.update((here.parent / "provinces" / "registry.csv").read_bytes())
    digest.update(f"{version('pysyncon')} {version('scipy')} {pd.__version__} {np.__version__}".encode())
    return digest.hexdigest()


def cache_key(panel: pd.DataFrame, **params: object) -> str:
    """A key for the study's inputs: the PCI rows of ``panel`` it reads, ``params`` and the code."""
    rows = panel[panel["index"].eq("pci") & panel["geography"].eq("provinces_63")]
    rows = rows[["indicator", "year", "province_code", "score"]].sort_values(
        ["indicator", "year", "province_code"]
    )
    buffer = io.StringIO()
    rows.to_csv(buffer, index=False, float_format="%.10g")
    digest = hashlib.sha256(buffer.getvalue().encode())
    digest.update(repr(sorted(params.items())).encode())
    digest.update(_code_fingerprint().encode())
    return digest.hexdigest()[:24]


def cache_dir() -> Path:
    """Where cached studies are kept: ``<processed>/cache/counterfactual/``."""
    return config.paths().processed / "cache" / "counterfactual"


def cached_study(panel: pd.DataFrame, directory: Path | None = None, **params: object) -> CounterfactualStudy:
    """:func:`study` of ``panel`` with ``params``, read from the cache when these inputs were
    computed before (by this or another process: a lock makes a second edition wait for the
    first instead of computing again). ``directory`` defaults to :func:`cache_dir`; files are
    named ``<code>-<inputs>.pkl`` and those of other code versions are removed; a file that
    cannot be read is computed again and replaced."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    code = _code_fingerprint()[:12]
    # studies of an older version of this code are never read again: remove them
    for stale in directory.glob("*.pkl"):
        if not stale.name.startswith(f"{code}-"):
            stale.unlink(missing_ok=True)
    key = f"{code}-{cache_key(panel, **params)}"
    path = directory / f"{key}.pkl"
    with open(directory / "cache.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            try:
                with open(path, "rb") as handle:
                    found = pickle.load(handle)  # our own file, written below
            except Exception:  # damaged, or written by other library versions: compute again
                found = None
            if isinstance(found, CounterfactualStudy):
                return found
        result = study(panel, **params)  # type: ignore[arg-type]
        partial = path.with_suffix(".tmp")
        with open(partial, "wb") as handle:
            pickle.dump(result, handle)
        partial.replace(path)
        return result


def write_tables(result: CounterfactualStudy, out_dir: Path, lang: str) -> list[Path]:
    """Every table of ``result`` as ``<out_dir>/<name>.csv`` for the ``lang`` edition
    (:func:`~egov_analysis.analysis.counterfactual.write_named_tables`: provinces' display
    names, formula-like text neutralised; a leave-one-out row of the card names the province
    left out the same way); returns the paths."""
    tables = result.tables()
    card = tables["scm_robustness"].copy()
    dropped = card["check"].eq("leave_one_out")
    card.loc[dropped, "variant"] = [
        "without " + provinces_display_name(str(v).removeprefix("without "), lang)
        for v in card.loc[dropped, "variant"]
    ]
    return write_named_tables({**tables, "scm_robustness": card}, out_dir, lang)


__all__ = [
    "CARD_COLUMNS",
    "INDUSTRIAL_POOL",
    "INTERVAL_COLUMNS",
    "SUBINDICES",
    "CounterfactualStudy",
    "cached_study",
    "donor_pools",
    "pool_name",
    "robustness_card",
    "study",
    "write_tables",
]
