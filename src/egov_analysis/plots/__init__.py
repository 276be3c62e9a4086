"""Charts: one theme, every word from the message catalogue, a footer of sources and notes, and
PNG + SVG + CSV output.

>>> ctx = DrawingContext(lang="vi", out_dir=Path("figures/report"))   # doctest: +SKIP
>>> chart = bump_chart(ctx, rows, highlight=["Quảng Ninh"], top_n=10)  # doctest: +SKIP

Each chart function takes the context first and returns a :class:`Chart` (figure, data, footer,
alt text, files written) or a :class:`NoChart` (one sentence saying why nothing is drawn); both
display themselves in a notebook. Modules by family: :mod:`.ranks`, :mod:`.maps`,
:mod:`.programme`, :mod:`.relationships`, :mod:`.quality`; :mod:`.layout` places text and checks
that none overlaps or is cut.

Importing this module imports matplotlib; `import egov_analysis` alone does not.
"""

from .chart import Chart, ChartResult, DrawingContext, NoChart, show
from .footer import index_name, index_notes, index_short, index_sources, save
from .layout import TextProblem, text_problems
from .maps import choropleth, map_drawn
from .programme import (
    budget_items_chart,
    goals_chart,
    milestone_timeline_chart,
    phase_budget_chart,
    ranks_with_phases,
)
from .quality import coverage_chart
from .ranks import bump_chart, dumbbell, index_ranks_chart, profile_chart, rank_heatmap, ranked_bars
from .relationships import scatter_relationship
from .select import highlight_codes
from .theme import OKABE_ITO, apply_theme, label, word

__all__ = [
    "OKABE_ITO",
    "Chart",
    "ChartResult",
    "DrawingContext",
    "NoChart",
    "TextProblem",
    "apply_theme",
    "budget_items_chart",
    "bump_chart",
    "choropleth",
    "coverage_chart",
    "dumbbell",
    "goals_chart",
    "highlight_codes",
    "index_name",
    "index_notes",
    "index_ranks_chart",
    "index_short",
    "index_sources",
    "label",
    "map_drawn",
    "milestone_timeline_chart",
    "phase_budget_chart",
    "profile_chart",
    "rank_heatmap",
    "ranked_bars",
    "ranks_with_phases",
    "save",
    "scatter_relationship",
    "show",
    "text_problems",
    "word",
]
