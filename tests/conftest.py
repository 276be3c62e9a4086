"""Shared fixtures. Tests never touch the real data/processed, figures or reports directories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from egov_analysis import config as egov_config

REFERENCE = egov_config.paths().reference


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, or a loud skip where it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: reference data not found at {REFERENCE} (../shared absent)")
    return REFERENCE


@pytest.fixture
def project_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> egov_config.Paths:
    """Processed, figures and reports directories in a temporary folder; raw stays the project's."""
    for name in ("processed", "figures", "reports"):
        monkeypatch.setenv(egov_config.ENV_VARS[name], str(tmp_path / name))
    return egov_config.paths()


def pytest_configure(config: pytest.Config) -> None:
    """The shared build's size follows the tier (``support.shared_build_names``); set before the
    test modules are collected, since they list the built pages at import."""
    import support

    support.EXTENDED = bool(config.getoption("--extended"))
    config.pluginmanager.register(NotebookPaths(), "egov-notebook-paths")


def pytest_report_header() -> str:
    state = "present" if REFERENCE.is_dir() else "ABSENT: reference tests will be skipped"
    return f"egov-analysis reference data: {REFERENCE} ({state}); cwd {os.getcwd()}"


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run shared by its xdist workers (their base folders' parent). Without
    xdist, the base folder itself: its parent holds every run's folders, so outputs built there
    by an earlier run (or another checkout's) would be reused although the code changed."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def real_processed(tmp_path_factory: pytest.TempPathFactory) -> egov_config.Paths:
    """The project's raw data cleaned once for the whole run (all pytest-xdist workers share it, as
    :func:`project_build` does). Read-only: a test that changes processed data cleans its own copy."""
    return _cleaned_once(tmp_path_factory)


def _cleaned_once(tmp_path_factory: pytest.TempPathFactory) -> egov_config.Paths:
    from filelock import FileLock

    from egov_analysis.clean.run import clean

    shared = _run_folder(tmp_path_factory)
    paths = egov_config.paths(processed=shared / "real_processed")
    with FileLock(str(shared / "real_processed.lock")):
        if not (shared / "real_processed.done").exists():
            clean(paths)
            (shared / "real_processed.done").write_text("ok\n")
    return paths


class NotebookPaths:
    """The notebook tests (nbval) read the session's cleaned data and draw into a folder of the
    run, as the other tests do: their kernels inherit these variables when nbval starts them (in
    the notebook's setup, inside this wrapper), so they neither clean the checkout's
    data/processed again nor write its figures/, and the phase notebook's synthetic controls are
    computed once for it and the shared build (the study's cache sits beside the data). The
    worker's own environment is restored at once: other tests see the checkout's folders.
    Registered as a plugin (:func:`pytest_configure`): a conftest's hooks reach only its folder's
    tests, and the notebooks sit in notebooks/."""

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        if not item.nodeid.partition("::")[0].endswith(".ipynb"):
            yield
            return
        factory = item.config._tmp_path_factory  # the tmp_path_factory fixture's (a private attribute)
        paths = _cleaned_once(factory)
        variables = {
            egov_config.ENV_VARS["processed"]: str(paths.processed),
            egov_config.ENV_VARS["figures"]: str(_run_folder(factory) / "nbval_figures"),
        }
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture(scope="session")
def project_build(
    tmp_path_factory: pytest.TempPathFactory, real_processed: egov_config.Paths
) -> egov_config.Paths:
    """A sample of the project's default report set (reports.toml), or with ``--extended`` the whole
    set with a few of its 194 profiles (``support.shared_build_names``), built once for the whole
    run — once for all pytest-xdist workers too: the first to get the lock builds, the others reuse
    its folders. Treat it as
    read-only; a test that changes outputs copies them first."""
    import support
    from filelock import FileLock
    from support import shared_build_names

    from egov_analysis.reporting.runner import build

    shared = _run_folder(tmp_path_factory)  # the same folder for every xdist worker
    root = shared / "project_build"
    paths = real_processed.with_overrides(reports=root / "reports", figures=root / "figures")
    with FileLock(str(shared / "project_build.lock")):
        if not (root / "built").exists():
            result = build(
                paths,
                egov_config.paths().root / "reports.toml",
                jobs=2 if support.EXTENDED else 1,  # a second worker's start costs more than it saves
                only=shared_build_names(),
                progress=False,
            )
            assert not result.failures, result.failures
            (root / "built").write_text("ok\n")
    return paths


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--extended",
        action="store_true",
        help="also run the extended tier (tests marked extended: the full sweep, a real browser)",
    )


# modules that take 20 s or more of a worker (pytest --durations=0, summed by module), longest first
SLOW_MODULES = (
    "test_reviewer_html",  # the shared build of the default set
    "test_faults",
    "test_trust",
    "test_build",
    "test_malformed_corpus",
    "test_raw_reader",
    "test_dask",
    "test_plots",
    "test_plots_layout",
)


def _schedule_rank(item: pytest.Item) -> tuple[int, int]:
    """Longest modules first, notebooks (nbval) last: pytest-xdist hands out whole modules in this
    order, so the long ones start at once and short ones fill the end, and neither worker sits idle
    while the other finishes a long module. Only the order changes, never what runs."""
    if item.path.suffix == ".ipynb":
        return (2, 0)
    name = item.path.stem
    return (0, SLOW_MODULES.index(name)) if name in SLOW_MODULES else (1, 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``extended`` run only with ``--extended``; without it they are deselected (and
    counted in the summary), so that `make test` stays under five minutes. CI runs both tiers.

    Items are ordered for ``--dist loadfile`` (see :func:`_schedule_rank`)."""
    items.sort(key=_schedule_rank)
    if config.getoption("--extended"):
        return
    deselected = [item for item in items if item.get_closest_marker("extended")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("extended")]
