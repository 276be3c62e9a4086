"""egov-analysis: Vietnam's provincial e-government and governance, as tidy data, charts and reports.

Submodules are imported on first use so that ``import egov_analysis`` stays fast (no pandas or
plotting imports at import time).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = {"config", "provinces", "cli"}
_FUNCTIONS = {"load": "egov_analysis.datasets"}

__all__ = ["__version__", *sorted(_SUBMODULES), *sorted(_FUNCTIONS)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(_FUNCTIONS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
