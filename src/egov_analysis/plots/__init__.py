"""Charts with one theme, a footer of sources and notes, and PNG + SVG + CSV output.

Importing this module imports matplotlib; `import egov_analysis` alone does not.
"""

from .charts import (
    budget_items_chart,
    bump_chart,
    choropleth,
    coverage_chart,
    dumbbell,
    goals_chart,
    index_notes,
    index_ranks_chart,
    index_sources,
    milestone_timeline_chart,
    outline_path,
    phase_budget_chart,
    profile_chart,
    rank_heatmap,
    ranked_bars,
    ranks_with_phases,
    scatter_relationship,
    show,
)
from .figure import add_footer, save
from .theme import OKABE_ITO, apply_theme, label

__all__ = [
    "OKABE_ITO",
    "add_footer",
    "apply_theme",
    "budget_items_chart",
    "bump_chart",
    "choropleth",
    "coverage_chart",
    "dumbbell",
    "goals_chart",
    "index_notes",
    "index_ranks_chart",
    "index_sources",
    "label",
    "milestone_timeline_chart",
    "outline_path",
    "phase_budget_chart",
    "profile_chart",
    "rank_heatmap",
    "ranked_bars",
    "ranks_with_phases",
    "save",
    "scatter_relationship",
    "show",
]
