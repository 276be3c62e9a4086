"""No chart has two texts that overlap or a text cut at the figure's edge, in either language:
every chart kind on inline frames, and every chart of every report in reports.toml on the real
processed data, drawn with the report's parameters the way its notebook draws them."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_plots import QN, panel_rows

from egov_analysis import config, plots
from egov_analysis.plots import Chart, DrawingContext, text_problems
from egov_analysis.provinces import provinces

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "vi")


def assert_fits(chart: object) -> None:
    if isinstance(chart, Chart):
        problems = text_problems(chart.figure)
        assert not problems, f"{chart.kind} ({chart.lang}): " + "; ".join(map(str, problems))


def test_the_check_finds_overlap_and_clipping():
    from egov_analysis.plots.layout import new_figure

    fig, ax = new_figure(4, 3)
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    fig.text(0.97, 0.5, "cut at the edge")
    fig.canvas.draw()
    kinds = sorted({(p.kind, p.text) for p in text_problems(fig)})
    assert ("clipped", "cut at the edge") in kinds
    assert ("overlap", "first label") in kinds


# --- every chart kind on inline frames -------------------------------------------------------------


def _phases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "phase_id": ["a", "b", "c", "d"],
            "name_en": [
                "IT application and development plan 2011-2015",
                "E-government scheme 2012-2014",
                "E-government phase 2 (2017-2020)",
                "Comprehensive digital transformation to 2025 (vision 2030)",
            ],
            "name_vi": [
                "Kế hoạch ứng dụng, phát triển CNTT 2011-2015",
                "Đề án xây dựng chính quyền điện tử giai đoạn 2012-2014",
                "Chính quyền điện tử giai đoạn 2 (2017-2020)",
                "Chuyển đổi số toàn diện (NQ 09-NQ/TU; Đề án QĐ 1488/QĐ-UBND)",
            ],
            "start_year": [2011, 2012, 2017, 2022],
            "end_year": [2015, 2014, 2020, 2025],
        }
    )


def inline_charts(ctx: DrawingContext) -> Iterator[object]:
    from egov_analysis.analysis import rankings, relationships

    rows = panel_rows("papi", range(2012, 2025), n_units=12, published={2019: 6})
    yield plots.bump_chart(ctx, rows, ["Quảng Ninh", "Hà Nội"], top_n=10)
    yield plots.rank_heatmap(ctx, rows, ["Quảng Ninh"])
    yield plots.ranked_bars(ctx, rows, 2024, "quartile", ["Quảng Ninh"])
    yield plots.ranked_bars(ctx, rows, 2019, "tier", ["Quảng Ninh"])
    yield plots.dumbbell(ctx, rows, 2012, 2024, ["Quảng Ninh"])
    yield plots.index_ranks_chart(
        ctx,
        pd.concat([rows, panel_rows("pci", range(2010, 2020))]).query("province_code == @QN"),
        "Quảng Ninh",
    )
    profile = pd.DataFrame(
        {
            "indicator": ["entry_costs", "land_access", "transparency"],
            "best_score": [9.1, 8.2, 7.7],
            "best_province": ["Đà Nẵng", "Bắc Ninh", "Quảng Ninh"],
            "score": [8.0, np.nan, 7.7],
        }
    )
    yield plots.profile_chart(ctx, profile, "Quảng Ninh", "pci", 2021)
    context = rankings.peers_and_median(rows, "papi", QN)
    yield plots.ranks_with_phases(ctx, context, _phases(), "Quảng Ninh", "papi")
    pairs = pd.DataFrame(
        {
            "province_code": list(provinces())[:20],
            "province": [p.name for p in list(provinces().values())[:20]],
            "x_score": np.linspace(50, 70, 20),
            "y_score": np.linspace(30, 45, 20) + np.sin(np.arange(20)),
        }
    )
    yield plots.scatter_relationship(
        ctx, pairs, "pci", "papi", 2016, relationships.correlation(pairs), ["Hà Nội", "Hà Giang"]
    )
    totals = pd.DataFrame(
        {
            "phase_id": ["b", "c", "c"],
            "basis": ["planned", "approved", "planned"],
            "amount_vnd": [646e9, 330.9e9, 86e9],
            "amount_real_vnd": [1200e9, 450e9, 110e9],
        }
    )
    yield plots.phase_budget_chart(ctx, totals, 2024, phases=_phases())
    items = pd.DataFrame(
        {
            "item": ["scheme_total", "tranche_2012", "tranche_2013"],
            "period": ["2012–2014", "2012", "2013"],
            "basis": ["planned"] * 3,
            "amount_bn_vnd": [646.0, 100.0, 299.0],
            "amount_real_bn_vnd": [1200.0, 180.0, 520.0],
            "source_url": ["https://example.org/b"] * 3,
        }
    )
    yield plots.budget_items_chart(ctx, items, 2024)
    goals = pd.DataFrame(
        {
            "phase_id": ["b", "c", "d"],
            "goal": ["g1", "g2", "g3"],
            "metric": [
                "Basic goals of the Đề án met by the end of 2017",
                "Target: share of services at level 3-4 by 2021",
                "Target digital economy share of GRDP by 2025",
            ],
            "target": [22.0, 100.0, 20.0],
            "achieved": [22.0, np.nan, np.nan],
            "unit": ["goals", "%", "% GRDP"],
            "status": ["met", "unknown", "unknown"],
            "source_url": ["https://example.org/g"] * 3,
        }
    )
    yield plots.goals_chart(ctx, goals)
    timeline = pd.DataFrame(
        {
            "year_start": [2013, 2017, 2017, 2020, 2024, 2025],
            "metric": [
                "Level-3 online public services on provincial portal",
                "Communes/wards/towns with Internet for e-gov systems",
                "State agencies (province to commune) with LAN",
                "Dossiers submitted online in 2020",
                "DTI 2024 provincial rank",
                "Target digital economy share of GRDP by 2025",
            ],
            "value_as_printed": [">1000", "100", "100", "~75800", "3", "20"],
            "unit": ["services", "%", "%", "dossiers", "rank /63", "% GRDP"],
            "source_url": [f"https://example.org/m{i}" for i in range(6)],
        }
    )
    yield plots.milestone_timeline_chart(ctx, timeline, _phases())
    overview = pd.DataFrame(
        [[100.0, 35.0, np.nan], [100.0, 100.0, 97.0]],
        index=pd.MultiIndex.from_tuples(
            [("pci", "provinces_63"), ("dti", "units_34")], names=["index", "geography"]
        ),
        columns=[2022, 2023, 2024],
    )
    yield plots.coverage_chart(ctx, overview)


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_kind_fits_on_inline_frames(lang):
    kinds = set()
    for chart in inline_charts(DrawingContext(lang=lang)):
        assert isinstance(chart, Chart), getattr(chart, "reason", chart)
        assert_fits(chart)
        kinds.add(chart.kind)
    assert kinds == {
        "rank_lines", "rank_heatmap", "ranked_list", "rank_change", "index_ranks", "profile",
        "ranks_phases", "scatter", "phase_budget", "budget_items", "goals", "milestones", "coverage",
    }  # fmt: skip


# --- every report of reports.toml on the real data ------------------------------------------------


def _notebook_defaults(notebook: str) -> dict[str, object]:
    import papermill

    declared = papermill.inspect_notebook(str(ROOT / "notebooks" / notebook))
    return {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}


@cache
def _tables(processed: str) -> dict[str, pd.DataFrame]:
    import egov_analysis as ea

    paths = config.paths(processed=Path(processed))
    names = ("indices", "coverage", "phases", "budget", "cpi", "goals", "milestones")
    return {name: ea.load(name, paths) for name in names}


def _rankings(ctx: DrawingContext, t: dict[str, pd.DataFrame], p: dict) -> Iterator[object]:
    from egov_analysis.analysis import rankings

    panel = t["indices"]
    rows = rankings.select(panel, p["index"], p["indicator"], p["geography"], p["start_year"], p["end_year"])
    yield plots.bump_chart(ctx, rows, p["highlight"], p["top_n"])
    yield plots.rank_heatmap(ctx, rows, p["highlight"])
    last = int(rows.loc[rows["score"].notna(), "year"].max())
    yield plots.ranked_bars(ctx, rows, last, "tier", p["highlight"])
    ranked = sorted(rows.loc[rows["rank"].notna(), "year"].unique())
    if len(ranked) >= 2:
        yield plots.dumbbell(ctx, rows, int(ranked[0]), int(ranked[-1]), p["highlight"])
    values, note = rankings.map_values(panel, rows, p["index"], p["indicator"], last, p["geography"])
    yield plots.choropleth(
        ctx, values, p["geography"], index=p["index"], year=last, highlight=p["highlight"], notes=note
    )


def _phases_report(ctx: DrawingContext, t: dict[str, pd.DataFrame], p: dict) -> Iterator[object]:
    from egov_analysis.analysis import phases, rankings, real
    from egov_analysis.provinces import resolve

    unit = resolve(p["province"])
    yield plots.phase_budget_chart(
        ctx,
        real.phase_totals(t["budget"], t["cpi"], p["base_year"]),
        p["base_year"],
        phases=t["phases"],
    )
    yield plots.budget_items_chart(
        ctx, phases.budget_items(t["budget"], t["cpi"], p["base_year"]), p["base_year"]
    )
    yield plots.goals_chart(ctx, phases.goal_progress(t["goals"]))
    yield plots.milestone_timeline_chart(ctx, phases.milestone_timeline(t["milestones"]), t["phases"])
    for index in ("pci", "papi"):
        context = rankings.peers_and_median(t["indices"], index, unit.gso_code)
        yield plots.ranks_with_phases(ctx, context, t["phases"], unit.name, index)


def _profile(ctx: DrawingContext, t: dict[str, pd.DataFrame], p: dict) -> Iterator[object]:
    from egov_analysis.analysis import rankings
    from egov_analysis.provinces import resolve

    unit = resolve(p["province"])
    own = rankings.province_headline(t["indices"], unit.gso_code)
    yield plots.index_ranks_chart(ctx, own.dropna(subset=["rank"]), unit.name)
    for index in ("pci", "papi"):
        found = rankings.latest_profile(t["indices"], index, unit.gso_code)
        if found is not None:
            yield plots.profile_chart(ctx, found[1], unit.name, index, found[0])


def _relationships(ctx: DrawingContext, t: dict[str, pd.DataFrame], p: dict) -> Iterator[object]:
    from egov_analysis.analysis import relationships

    pairs = relationships.paired_scores(t["indices"], p["x_index"], p["y_index"], p["year"])
    stats = relationships.correlation(pairs)
    yield plots.scatter_relationship(ctx, pairs, p["x_index"], p["y_index"], p["year"], stats, p["highlight"])


def _quality(ctx: DrawingContext, t: dict[str, pd.DataFrame], p: dict) -> Iterator[object]:
    from egov_analysis.analysis import quality

    yield plots.coverage_chart(ctx, quality.coverage_overview(t["coverage"]))


DRAWERS: dict[str, Callable[[DrawingContext, dict[str, pd.DataFrame], dict], Iterator[object]]] = {
    "provincial_rankings.ipynb": _rankings,
    "phase_comparison.ipynb": _phases_report,
    "province_profile.ipynb": _profile,
    "index_relationships.ipynb": _relationships,
    "data_quality.ipynb": _quality,
}


def _reports() -> list[tuple[str, str, dict]]:
    """The default set of reports.toml (plain reports and matrix points), each in every language."""
    from egov_analysis.reporting.reports import load_reports, select

    reports = select(load_reports(ROOT / "reports.toml", ROOT / "notebooks", check=False))
    seen, out = set(), []
    for report in reports:
        params = {**_notebook_defaults(report.notebook), **report.parameters}
        for lang in LANGS:  # every report in both languages, whatever its own lang says
            key = (report.notebook, repr(sorted({**params, "lang": lang}.items())))
            if key not in seen:
                seen.add(key)
                out.append((f"{report.name}-{lang}", lang, {**params, "notebook": report.notebook}))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang", "params"), _reports(), ids=[r[0] for r in _reports()])
def test_every_report_chart_fits_on_the_real_data(name, lang, params, project_paths):
    tables = _tables(str(project_paths.processed))
    drawer = DRAWERS[params["notebook"]]
    drawn = 0
    for chart in drawer(DrawingContext(lang=lang), tables, params):
        assert chart.alt_text.strip()
        assert_fits(chart)
        drawn += isinstance(chart, Chart)
    assert drawn >= 1, name
