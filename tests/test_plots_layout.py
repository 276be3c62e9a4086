"""No chart has two texts that overlap or a text cut at the figure's edge, in either language:
every chart kind on inline frames, and the build's reading of each chart's measured problems (every
chart the build drew for the default set is checked in test_reviewer_html.py, beside the other tests
of that shared build, so one pytest-xdist worker builds it and none waits for it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from test_plots import QN, panel_rows

from egov_analysis import plots
from egov_analysis.plots import Chart, DrawingContext, text_problems
from egov_analysis.plots.chart import CHART_METADATA
from egov_analysis.provinces import provinces
from egov_analysis.reporting.execute import chart_warnings

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


@pytest.mark.parametrize(
    "lang",
    ["vi", pytest.param("en", marks=pytest.mark.extended)],  # Vietnamese: the longer labels
)
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


def test_the_build_reads_each_charts_text_problems_back_from_the_notebook():
    bad = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={"text/plain": "a chart"},
                        metadata={
                            CHART_METADATA: {
                                "kind": "rank_lines",
                                "text_problems": ["texts 'a' and 'b' overlap"],
                            }
                        },
                    ),
                    nbformat.v4.new_output(
                        "display_data",
                        data={"text/plain": "a chart"},
                        metadata={CHART_METADATA: {"kind": "map", "text_problems": []}},
                    ),
                ],
            )
        ]
    )
    assert chart_warnings(bad) == ("rank_lines: texts 'a' and 'b' overlap",)
    odd = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data", data={"text/plain": "x"}, metadata={CHART_METADATA: v}
                    )
                    for v in ("a string", {"kind": "map"}, {"text_problems": "not a list"}, None)
                ],
            )
        ]
    )
    assert chart_warnings(odd) == ()  # another object's metadata under our key is not a chart
    hostile = {
        "cells": [{"outputs": [{"output_type": "display_data", "metadata": None}, ["x"]]}, {"outputs": None}]
    }
    assert chart_warnings(nbformat.from_dict(hostile)) == ()


def test_a_chart_is_measured_as_its_png_is_written(tmp_path):
    from egov_analysis.plots.footer import save
    from egov_analysis.plots.layout import new_figure

    fig, ax = new_figure(4, 3)
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    paths, problems = save(fig, pd.DataFrame({"x": [1]}), "crowded", tmp_path)
    assert [p.suffix for p in paths] == [".png", ".svg", ".csv"]
    assert sorted((p.kind, p.text) for p in problems) == sorted((p.kind, p.text) for p in text_problems(fig))
    assert ("overlap", "first label") in {(p.kind, p.text) for p in problems}
    fine, _ = new_figure(4, 3)
    assert save(fine, pd.DataFrame({"x": [1]}), "fine", tmp_path)[1] == ()


def test_a_chart_shown_in_jupyter_carries_its_layout_check():
    chart = next(c for c in inline_charts(DrawingContext(lang="vi")) if isinstance(c, Chart))
    bundle, metadata = chart._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert metadata[CHART_METADATA] == {"kind": chart.kind, "text_problems": []}


CROWDED = """import pandas as pd
from egov_analysis.plots import DrawingContext
from egov_analysis.plots.footer import finish
from egov_analysis.plots.layout import new_figure

fig, ax = new_figure(4, 3)
ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
ctx = DrawingContext(lang=lang, out_dir=figures)
finish(ctx, fig, kind="crowded", name="crowded", data=pd.DataFrame({"x": [1]}), title="Crowded",
       sources=["a test"], notes=[], alt_text="Two labels drawn on top of each other.")
"""


def test_a_report_whose_chart_text_overlaps_is_built_with_a_warning_line(tmp_path):
    """The build names the report, the chart and both texts, in the log and in its result."""
    from helpers import one_report_project

    from egov_analysis.reporting.runner import build

    paths, reports_file = one_report_project(tmp_path, "crowded", CROWDED)
    lines: list[str] = []
    result = build(paths, reports_file, jobs=1, progress=False, log=lines.append)
    assert not result.failures
    assert result.warnings == ["crowded: crowded: texts 'first label' and 'second label' overlap"]
    assert "warning crowded: crowded: texts 'first label' and 'second label' overlap" in lines


def test_wrap_fills_each_line_as_a_word_by_word_greedy_wrap_would():
    """The wrap measures a few candidate lines instead of one per word: its lines are those of the
    plain greedy wrap (each line as many words as fit; a word wider than the line alone; double
    spaces kept inside a line, never opening one)."""
    from egov_analysis.plots.layout import new_figure, text_width, wrap

    fig, _ = new_figure()

    def greedy(text: str, width: float) -> str:
        lines = []
        for paragraph in text.split("\n"):
            line = ""
            for token in paragraph.split(" "):
                candidate = f"{line} {token}" if line else token
                if line and text_width(fig, candidate, 7) > width:
                    lines.append(line)
                    line = token
                else:
                    line = candidate
            lines.append(line)
        return "\n".join(lines)

    footer = (
        "Nguồn: Chỉ số PCI — VCCI với USAID; bản tổng hợp của bên thứ ba (pcivietnam.vn)\n"
        "Ghi chú: † số do nhóm egov-analysis tính toán;  chuỗi số liệu gián đoạn năm 2006 và 2017 "
        + "mộtTừRấtDàiKhôngVừaMộtDòngNàoCảVàPhảiĐứngMộtMìnhTrênDòngCủaNó " * 2
        + " ".join(f"w{i}" for i in range(60))
    )
    for width in (40, 150, 400, 900, 5000):
        assert wrap(fig, footer, 7, width) == greedy(footer, width), width
    assert wrap(fig, "", 7, 100) == "" and wrap(fig, "  a", 7, 100) == greedy("  a", 100)
