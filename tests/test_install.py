"""Installs as users get them: the Makefile installs from the lock (the build without the dev tools,
JupyterLab apart with the project's kernel), and a non-editable base install in an empty virtual
environment loads the indices from the data shipped in its wheel, or fails in one line naming
the fix. The installing tests are in the extended tier (they download and install packages)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egov_analysis import config

ROOT = config.paths().root
BASE_SIZE_LIMIT_MB = 400  # the base install measured 312 MB (pyarrow alone ~165 MB); the full one 815 MB


def make_dry_run(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would run on a fresh clone (no environment yet)."""
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}", f"LAB_VENV={tmp_path / 'lab'}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_reports_installs_the_build_from_the_lock_without_the_dev_tools(tmp_path):
    commands = make_dry_run("reports", tmp_path)
    assert "--require-hashes -r requirements/reports.txt" in commands
    assert "requirements/dev.txt" not in commands and ".[dev]" not in commands
    assert "egov-analysis build" in commands


def test_make_test_installs_the_dev_tools_from_the_lock(tmp_path):
    commands = make_dry_run("test", tmp_path)
    assert "--require-hashes -r requirements/dev.txt" in commands and "pytest" in commands


def test_the_lock_pins_every_package_with_hashes_and_dev_holds_the_build():
    def pins(name: str) -> dict[str, str]:
        text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
        blocks = [b for b in text.split("\n") if b and not b.startswith((" ", "#"))]
        assert all("==" in b for b in blocks), name
        assert text.count("--hash=sha256:") >= len(blocks), name
        return {b.split("==")[0]: b.split("==")[1].split()[0] for b in blocks}

    base, reports, dev = pins("base"), pins("reports"), pins("dev")
    assert {"pandas", "pyarrow", "pandera"} <= set(base) and "matplotlib" not in base
    assert {"papermill", "matplotlib", "pysyncon"} <= set(reports) and "pytest" not in reports
    for package, version in {**base, **reports}.items():  # one version of each package everywhere
        assert dev.get(package, version) == version, package
    assert "jupyterlab" in pins("lab") and "jupyterlab" not in dev


def uv(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "uv", *args], check=True, capture_output=True, text=True)


def build_wheel(source: Path, out: Path) -> Path:
    shutil.rmtree(source / "build", ignore_errors=True)
    uv("build", "--quiet", "--wheel", "--out-dir", str(out), str(source))
    (wheel,) = out.glob("egov_analysis-*.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    uv(
        "pip",
        "install",
        "--quiet",
        "--python",
        str(python),
        "--require-hashes",
        "-r",
        str(ROOT / "requirements" / "base.txt"),
    )
    uv("pip", "install", "--quiet", "--python", str(python), "--no-deps", str(wheel))
    return python


def run_outside(python: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "PYTHONPATH"}
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd="/", env={**clean_env, **env}
    )


def megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


@pytest.mark.extended
def test_a_base_install_loads_the_shipped_indices_or_fails_in_one_line(real_processed, tmp_path):
    source = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(source)], check=True)
    plain = build_wheel(source, tmp_path / "plain")
    bundled = source / "src" / "egov_analysis" / "bundled"  # what `make wheel` puts in
    bundled.mkdir()
    for path in [*real_processed.processed.glob("*.parquet"), real_processed.processed / "manifest.json"]:
        shutil.copy(path.resolve(), bundled / path.name)
    # a tagged commit is that version (setuptools-scm); the plain wheel above had no such tag
    subprocess.run(["git", "-C", str(source), "tag", "v99.0.0"], check=True)
    with_data = build_wheel(source, tmp_path / "with-data")
    assert with_data.name == "egov_analysis-99.0.0-py3-none-any.whl" and "99.0.0" not in plain.name

    python = fresh_venv(tmp_path / "venv", plain)
    size = megabytes(tmp_path / "venv")
    print(f"base install: {size:.0f} MB")
    assert size < BASE_SIZE_LIMIT_MB
    code = "import egov_analysis as ea; print(len(ea.load('indices')))"
    failed = run_outside(python, code)
    assert failed.returncode == 1
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("egov_analysis.datasets.DataNotFoundError: ") and "EGOV_PROCESSED_DIR" in last
    named = run_outside(python, code, EGOV_PROCESSED_DIR=str(real_processed.processed))
    assert named.returncode == 0 and int(named.stdout) > 1000, named.stderr
    no_extra = run_outside(python, "import egov_analysis as ea; ea.plots")
    assert "pip install 'egov-analysis[plots]'" in no_extra.stderr

    python = fresh_venv(tmp_path / "venv-data", with_data)
    shipped = run_outside(python, code + "; print(ea.__version__)")
    assert shipped.returncode == 0, shipped.stderr
    rows, version = shipped.stdout.split()
    assert int(rows) > 1000 and version == "99.0.0"


@pytest.mark.extended
def test_make_lab_puts_jupyterlab_apart_with_the_projects_kernel(tmp_path):
    # the Makefile's own recipe, on this environment as the project's (its install stamp given)
    stamp = tmp_path / "installed"
    stamp.touch()
    os.utime(stamp, (2**31, 2**31))  # newer than the lock files: the project's environment is ready
    lab = tmp_path / "lab"
    subprocess.run(
        [
            "make",
            "-C",
            str(ROOT),
            f"{lab}/.installed",
            f"VENV={sys.prefix}",
            f"REPORTS_STAMP={stamp}",
            f"LAB_VENV={lab}",
        ],
        check=True,
        capture_output=True,
    )
    specs = subprocess.run(
        [str(lab / "bin" / "jupyter"), "kernelspec", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    kernel = json.loads(specs.stdout)["kernelspecs"]["egov-analysis"]["spec"]
    assert kernel["argv"][0] == str(Path(sys.prefix) / "bin" / "python")
    assert (lab / "bin" / "jupyter-lab").exists()
    no_pandas = subprocess.run([str(lab / "bin" / "python"), "-c", "import pandas"], capture_output=True)
    assert no_pandas.returncode != 0  # the lab's environment holds JupyterLab only


def test_the_workflow_installs_from_the_lock_keeps_the_build_state_and_publishes_the_site():
    import yaml  # pre-commit's dependency

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "reports.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    runs = "\n".join(step.get("run", "") for step in build)
    assert "make reports" in runs and "pip install" not in runs  # the Makefile installs from the lock
    assert build[0]["with"]["fetch-depth"] == 0  # tags, for the version
    cached = [s["with"]["path"].split() for s in build if s.get("uses", "").startswith("actions/cache/")]
    assert len(cached) == 2 and all(set(p) == {"data/processed", "reports", "figures"} for p in cached)
    save = next(s for s in build if s.get("uses", "").startswith("actions/cache/save"))
    assert save["if"] == "always()"  # a failed report keeps the finished ones
    assert uses.index("actions/cache/restore") < uses.index("") < uses.index("actions/cache/save")
    assert "actions/upload-pages-artifact" in uses
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert workflow["permissions"]["pages"] == "write"


def test_every_declared_requirement_is_in_its_lock():
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]

    def names(requirements: list[str]) -> set[str]:
        out: set[str] = set()
        for requirement in requirements:
            name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
            if name == "egov-analysis":  # a self-reference: the extras it names
                inner = requirement[requirement.index("[") + 1 : requirement.index("]")].split(",")
                out |= names([r for extra in inner for r in extras[extra.strip()]])
            else:
                out.add(name)
        return out

    def locked(lock: str) -> set[str]:
        text = (ROOT / "requirements" / f"{lock}.txt").read_text(encoding="utf-8")
        return {
            line.split("==")[0] for line in text.splitlines() if "==" in line and not line.startswith(" ")
        }

    base = names(project["dependencies"])
    for lock, wanted in {
        "base": base,
        "reports": base | names(extras["reports"]),
        "dev": base | names(extras["dev"]),
        "lab": names(extras["lab"]),
    }.items():
        missing = wanted - locked(lock)
        assert not missing, f"requirements/{lock}.txt lacks {sorted(missing)}: run `make lock`"
