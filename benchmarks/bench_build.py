"""Side-by-side benchmark of the report build on the default report set (`make bench`).

    python benchmarks/bench_build.py [--repeat 3] [--skip-clean]

- floor: the same notebooks' code with the same parameters, run one after another in one plain
  Python process (no kernels, no notebooks, no HTML) — the least the figures can cost;
- naive: the `papermill` command then `jupyter nbconvert --to html` for each report in turn;
- build: `egov-analysis build --force -j 2`, and a no-op rebuild;
- the cleaning of 10k / 100k / 1M-row panels against a row-by-row baseline (bench_clean.py);
- `python -c "import egov_analysis"`.
Prints each median and the ratios against the goals of issue 6.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_clean import time_it  # the same median timer (this folder is on sys.path)

from egov_analysis import config
from egov_analysis.reporting.reports import load_reports

BIN = Path(sys.executable).parent


def run(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


FLOOR_SCRIPT = r"""
import json, os, sys, nbformat, papermill.parameterize
os.environ["MPLBACKEND"] = "Agg"
reports = json.loads(sys.argv[1])
notebooks = sys.argv[2]
for name, notebook, parameters in reports:
    book = nbformat.read(os.path.join(notebooks, notebook), as_version=4)
    book.metadata["papermill"] = {}  # as papermill's own runs prepare a notebook
    for cell in book.cells:
        cell.metadata.setdefault("tags", [])
    book = papermill.parameterize.parameterize_notebook(book, {**parameters, "report": name})
    namespace = {"display": lambda *a, **k: None, "__name__": "__report__"}
    os.chdir(notebooks)
    for cell in book.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{name}:{notebook}", "exec"), namespace)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-clean", action="store_true", help="leave out the cleaning benchmark")
    args = parser.parse_args()
    paths = config.paths()
    reports = load_reports(paths.root / "reports.toml", paths.notebooks)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"report set: {len(reports)} reports from reports.toml; medians of {args.repeat} runs\n")
    results: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    env = {**os.environ, "EGOV_REPORTS_DIR": str(work / "reports"), "EGOV_FIGURES_DIR": str(work / "figures")}
    try:
        run([str(BIN / "egov-analysis"), "clean"])  # processed data ready for every contender

        spec = json.dumps([[r.name, r.notebook, r.parameters] for r in reports], ensure_ascii=False)
        results["floor: one Python process"] = time_it(
            lambda: run(
                [sys.executable, "-c", FLOOR_SCRIPT, spec, str(paths.notebooks)],
                {**env, "EGOV_FIGURES_DIR": str(work / "floor")},
            ),
            args.repeat,
        )

        def naive() -> None:
            out = work / "naive"
            out.mkdir(exist_ok=True)
            for r in reports:
                executed = out / f"{r.name}.ipynb"
                run(
                    [
                        str(BIN / "papermill"),
                        str(paths.notebooks / r.notebook),
                        str(executed),
                        "-k",
                        "python3",
                        "--cwd",
                        str(paths.notebooks),
                        "--no-progress-bar",
                        "-y",
                        json.dumps({**r.parameters, "report": r.name}, ensure_ascii=False),
                    ],
                    {**env, "EGOV_FIGURES_DIR": str(work / "naive_figures")},
                )
                run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])

        results["naive: papermill + nbconvert CLIs"] = time_it(naive, args.repeat)
        results["build --force -j 2"] = time_it(
            lambda: run([str(BIN / "egov-analysis"), "build", "--force", "-j", "2", "--quiet"], env),
            args.repeat,
        )
        results["no-op rebuild"] = time_it(
            lambda: run([str(BIN / "egov-analysis"), "build", "--quiet"], env), max(args.repeat, 5)
        )
        results["import egov_analysis"] = time_it(
            lambda: run([sys.executable, "-c", "import egov_analysis"]), 7
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:8.2f} s")
    floor, naive_s, build_s = (
        results["floor: one Python process"],
        results["naive: papermill + nbconvert CLIs"],
        results["build --force -j 2"],
    )
    print(f"\nbuild / floor          = {build_s / floor:5.2f}   (goal <= 1.5)")
    print(f"naive / build          = {naive_s / build_s:5.2f}   (goal >= 2.5)")
    print(f"no-op rebuild          = {results['no-op rebuild']:5.2f} s (goal <= 1)")
    print(
        f"import egov_analysis   = {results['import egov_analysis']:5.2f} s (goal <= 0.3, a whole "
        "interpreter start included)"
    )
    if not args.skip_clean:
        print("\ncleaning (benchmarks/bench_clean.py):", flush=True)
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("bench_clean.py")), "--repeat", str(args.repeat)],
            check=True,
        )


if __name__ == "__main__":
    main()
