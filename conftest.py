"""Root pytest configuration, shared by the test suite and `pytest --nbval-lax notebooks/`:
figures and reports written during tests go to a temporary folder, never the project's."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config: object) -> None:
    scratch = tempfile.mkdtemp(prefix="egov-tests-")
    for variable in ("EGOV_FIGURES_DIR", "EGOV_REPORTS_DIR"):
        os.environ.setdefault(variable, os.path.join(scratch, variable.lower()))
