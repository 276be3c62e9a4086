from pathlib import Path

import pytest

from egov_analysis import config


def test_defaults_follow_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    paths = config.paths()
    root = Path(config.__file__).resolve().parents[2]
    assert paths.root == root
    assert paths.raw == root / "data" / "raw"
    assert paths.processed == root / "data" / "processed"
    assert paths.figures == root / "figures"
    assert paths.reports == root / "reports"
    assert paths.notebooks == root / "notebooks"
    assert paths.reference == (root.parent / "shared" / "reference").resolve()
    assert (root / "pyproject.toml").is_file()


def test_environment_overrides_each_path(tmp_path, monkeypatch):
    monkeypatch.setenv("EGOV_PROCESSED_DIR", str(tmp_path / "p"))
    monkeypatch.setenv("EGOV_ROOT", str(tmp_path / "r"))
    paths = config.paths()
    assert paths.processed == tmp_path / "p"
    assert paths.raw == tmp_path / "r" / "data" / "raw"


def test_explicit_override_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EGOV_FIGURES_DIR", str(tmp_path / "env"))
    assert config.paths(figures=tmp_path / "cli").figures == tmp_path / "cli"
    assert config.paths(figures=None).figures == tmp_path / "env"


def test_unknown_override_is_refused():
    with pytest.raises(TypeError, match="unknown path name"):
        config.paths(nonsense="x")
