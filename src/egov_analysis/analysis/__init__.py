"""Analysis: plain functions from tidy frames to tidy frames (rankings, phases, relationships).

Modules, each imported on first use (``ea.analysis.rankings.select(...)``): :mod:`.rankings`,
:mod:`.phases`, :mod:`.real`, :mod:`.relationships`, :mod:`.quality`, :mod:`.findings`,
:mod:`.programme_findings`, and the counterfactual (extra ``[counterfactual]``): :mod:`.counterfactual`,
:mod:`.counterfactual_intervals`, :mod:`.counterfactual_study`, :mod:`.counterfactual_reading`.
"""

from __future__ import annotations

from typing import Any

_MODULES = (
    "counterfactual",
    "counterfactual_intervals",
    "counterfactual_reading",
    "counterfactual_study",
    "findings",
    "phases",
    "programme_findings",
    "quality",
    "rankings",
    "real",
    "relationships",
)
__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        from .. import _import_part

        return _import_part(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES} - {"annotations", "Any"})
