"""The report build against its floor at the same parallelism (`make bench`).

    python benchmarks/bench_build.py [--repeat 3] [--sweep-size N] [--skip-sweep] [--skip-clean]
                                     [--write benchmarks/RESULTS.md]

Contenders, each measured as wall time and CPU time (user + system of every process it started,
kernels included: they are waited for, so the operating system adds their time to ours):
- floor: the same notebooks' code with the same parameters as plain Python processes (no kernel,
  no notebook, no HTML), the reports dealt round-robin to 2 processes running at once — the least
  the figures can cost at the build's parallelism — with one BLAS thread each, as the build gives
  its kernels (`reporting.execute.ONE_THREAD_EACH`);
- build: `egov-analysis build --force -j 2` (and, on the default set, the same with
  `EGOV_KERNEL_PRELOAD=0`: every kernel a new interpreter);
- on the sweep, `build --force -j 1` too, for the throughput with 1 and 2 local workers;
- a no-op rebuild and `import egov_analysis`; then the cleaning benchmark (bench_clean.py);
- after the default set's full build, the rebuild cost of two edits against it (issue 20): a note
  fixed in one DTI raw file (only the reports that read DTI rows run, after the cleaning) and a
  comment in a module no report imports (nothing runs), each with what `--dry-run` listed.
The default set is reports.toml's; the sweep is its `--set sweep` (every province's profile in
both languages and the PCI ranking of every sub-index in both languages), or its first N reports.
Runs of the floor and the build alternate so that both see the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from egov_analysis import config
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.execute import one_thread_each
from egov_analysis.reporting.reports import Report, select

BIN = Path(sys.executable).parent
JOBS = 2

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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(action: Callable[[], None]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the processes ``action`` starts and waits for."""
    cpu, start = children_cpu(), time.perf_counter()
    action()
    return time.perf_counter() - start, children_cpu() - cpu


def run(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def floor(reports: list[Report], notebooks: Path, env: dict[str, str]) -> None:
    """The reports' code in JOBS plain processes at once (round-robin)."""
    shares = [reports[i::JOBS] for i in range(JOBS)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                FLOOR_SCRIPT,
                json.dumps([[r.name, r.notebook, r.parameters] for r in share], ensure_ascii=False),
                str(notebooks),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for share in shares
        if share
    ]
    if any(p.wait() != 0 for p in processes):
        raise RuntimeError("the floor failed")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, nproc {nproc}, {model}, Python "
        f"{platform.python_version()}; load average at the start {load}"
    )


def compare(
    label: str,
    reports_file: Path,
    reports: list[Report],
    paths: config.Paths,
    env: dict[str, str],
    repeat: int,
    extra: dict[str, list[str] | dict[str, str]],
    selection: Sequence[str] = (),
) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of the floor and each build variant, runs alternating. ``selection``:
    build arguments that pick the reports (``--set sweep --only …``)."""
    samples: dict[str, list[tuple[float, float]]] = {"floor": []}
    build = [str(BIN / "egov-analysis"), "build", "--force", "--quiet", "--reports-file", str(reports_file)]
    build += selection
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "build": ([*build, "-j", str(JOBS)], env),
    }
    for name, spec in extra.items():
        variants[name] = (
            [*build, *spec] if isinstance(spec, list) else [*build, "-j", str(JOBS)],
            {**env, **spec} if isinstance(spec, dict) else env,
        )
    for name in variants:
        samples[name] = []
    for i in range(repeat):
        samples["floor"].append(measure(lambda: floor(reports, paths.notebooks, env)))
        for name, (args, variant_env) in variants.items():
            samples[name].append(measure(lambda args=args, variant_env=variant_env: run(args, variant_env)))
        print(
            f"  {label} run {i + 1}/{repeat}: "
            + ", ".join(f"{name} {s[-1][0]:.1f} s / {s[-1][1]:.1f} CPU-s" for name, s in samples.items()),
            flush=True,
        )
    return {
        name: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for name, s in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender on the default set")
    parser.add_argument("--sweep-size", type=int, default=0, help="the first N reports of the sweep (0: all)")
    parser.add_argument("--sweep-repeat", type=int, default=1)
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-clean", action="store_true", help="leave out the cleaning benchmark")
    parser.add_argument("--write", metavar="MD", help="write the results into this Markdown file")
    parser.add_argument("--limit", type=int, help="only the first N reports of the default set (a smoke run)")
    args = parser.parse_args()
    paths = config.paths()
    default_file = paths.root / "reports.toml"
    reports = select(load_reports(default_file, paths.notebooks))  # the default set, as `build` runs it
    info = machine()
    print(f"machine: {info}\n", flush=True)
    work = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    env = {
        **os.environ,
        "EGOV_REPORTS_DIR": str(work / "reports"),
        "EGOV_FIGURES_DIR": str(work / "figures"),
    }
    one_thread_each(env)  # the floor's processes get the threads the build gives each kernel
    lines: list[str] = []
    try:
        run([str(BIN / "egov-analysis"), "clean"])  # processed data ready for every contender
        if args.limit:
            text = default_file.read_text("utf-8")
            default_file = work / "default.toml"
            default_file.write_text("[[report]]".join(text.split("[[report]]")[: args.limit + 1]), "utf-8")
            reports = select(load_reports(default_file, paths.notebooks))
        default = compare(
            "default set",
            default_file,
            reports,
            paths,
            env,
            args.repeat,
            {"build, kernels as new interpreters": {"EGOV_KERNEL_PRELOAD": "0"}},
        )
        noop = statistics.median(
            measure(lambda: run([str(BIN / "egov-analysis"), "build", "--quiet"], env))[0] for _ in range(5)
        )
        lines += table(f"Default set ({len(reports)} reports of {default_file.name})", default, len(reports))
        lines.append(f"- no-op rebuild (`egov-analysis build`, nothing changed): {noop:.2f} s (goal ≤ 1 s)")
        lines += rebuild_costs(paths, default_file, env, default["build"], len(reports))
        if args.write:  # the default set's results stand even if the sweep is cut short
            write_results(Path(args.write), info, "\n".join(lines), args)
        if not args.skip_sweep:
            sweep_reports = select(load_reports(paths.root / "reports.toml", paths.notebooks), "sweep")
            sweep_reports = sweep_reports[: args.sweep_size] if args.sweep_size else sweep_reports
            sweep = compare(
                "sweep",
                paths.root / "reports.toml",
                sweep_reports,
                paths,
                env,
                args.sweep_repeat,
                {"build -j 1": ["-j", "1"]},
                ["--set", "sweep", "--only", *(r.name for r in sweep_reports)],
            )
            n = len(sweep_reports)
            kinds = ", ".join(
                f"{sum(r.notebook == nb for r in sweep_reports)} {nb.removesuffix('.ipynb')}"
                for nb in dict.fromkeys(r.notebook for r in sweep_reports)
            )
            lines += ["", *table(f"Sweep (`--set sweep` of reports.toml: {n} reports, {kinds})", sweep, n)]
            one, two = n / sweep["build -j 1"][0], n / sweep["build"][0]
            lines.append(
                f"- sweep throughput: {one * 60:.1f} reports/min with 1 worker, {two * 60:.1f} with 2 "
                f"(× {two / one:.2f}; linear would be × 2.00)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines)
    print("\n" + text)
    if args.write:
        write_results(Path(args.write), info, text, args)
    if not args.skip_clean:
        print("\ncleaning (benchmarks/bench_clean.py):", flush=True)
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("bench_clean.py")), "--repeat", str(args.repeat)],
            check=True,
        )


DTI_NOTE = ("its rank not shown on page head", "its rank is not shown on the page's head")
UNIMPORTED = "reporting/engines.py"  # the Dask engine: no report imports it


def rebuild_costs(
    paths: config.Paths, reports_file: Path, env: dict[str, str], full: tuple[float, float], n: int
) -> list[str]:
    """The rebuild after each edit, against the full build (wall, CPU), on copies: the raw data and
    the package are copied beside the outputs the full build left in ``env``'s folders, so the
    checkout is never edited. Each edit is listed by ``--dry-run`` first, then built."""
    work = Path(env["EGOV_REPORTS_DIR"]).parent
    raw, processed, source = work / "raw", work / "processed", work / "src"
    shutil.copytree(paths.raw, raw)
    shutil.copytree(
        config.PACKAGE_DIR, source / "egov_analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    copy = {
        **env,
        "EGOV_RAW_DIR": str(raw),
        "EGOV_PROCESSED_DIR": str(processed),
        "EGOV_ROOT": str(paths.root),
        "PYTHONPATH": os.pathsep.join([str(source), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    command = [
        str(BIN / "egov-analysis"),
        "build",
        "-j",
        str(JOBS),
        "--quiet",
        "--reports-file",
        str(reports_file),
    ]
    run(command, copy)  # the copies' own processed data: the same tables, so nothing runs
    rows = []

    def edit_and_rebuild(label: str, target: Path, change: Callable[[str], str]) -> None:
        target.write_text(change(target.read_text("utf-8")), "utf-8")
        listed = subprocess.run(
            [*command, "--dry-run"], env=copy, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        wall, cpu = measure(lambda: run(command, copy))
        names = ", ".join(line.split("\t")[0] for line in listed) or "none"
        rows.append(
            f"| {label} | {len(listed)} of {n} ({names}) | {wall:.1f} s | {wall / full[0]:.2f} "
            f"| {cpu:.1f} | {cpu / full[1]:.2f} |"
        )

    dti = raw / "dti" / "dti_compiled.csv"
    edit_and_rebuild("a note fixed in one DTI raw file", dti, lambda text: text.replace(*DTI_NOTE, 1))
    module = source / "egov_analysis" / UNIMPORTED
    edit_and_rebuild(f"a comment in `{UNIMPORTED}`", module, lambda text: text + "\n# a comment\n")
    return [
        "",
        "### Rebuild after one edit, against the full build of the default set",
        "",
        "| edit | reports `--dry-run` listed, then run | wall | × full build | CPU-s | × full build |",
        "|---|---|---:|---:|---:|---:|",
        f"| (the full build, `--force`) | {n} of {n} | {full[0]:.1f} s | 1.00 | {full[1]:.1f} | 1.00 |",
        *rows,
    ]


def table(title: str, results: dict[str, tuple[float, float]], n: int) -> list[str]:
    floor_wall, floor_cpu = results["floor"]
    rows = [
        f"### {title}",
        "",
        "| contender (2 processes each unless named) | wall (median) | × floor wall | CPU-s "
        "| CPU-s per report | overhead CPU-s per report |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (wall, cpu) in results.items():
        overhead = "—" if name == "floor" else f"{(cpu - floor_cpu) / n:.2f}"
        rows.append(
            f"| {name} | {wall:.1f} s | {wall / floor_wall:.2f} | {cpu:.1f} | {cpu / n:.2f} | {overhead} |"
        )
    build_wall, build_cpu = results["build"]
    rows += [
        "",
        f"- build / floor at the same parallelism: **{build_wall / floor_wall:.2f}×** wall (goal ≤ 1.3), "
        f"overhead **{(build_cpu - floor_cpu) / n:.2f} CPU-s per report** (goal ≤ 1.0)",
    ]
    return rows


def write_results(target: Path, info: str, text: str, args: argparse.Namespace) -> None:
    """Replace the build section of RESULTS.md (between its markers) with these results."""
    start, end = "<!-- bench_build:start -->", "<!-- bench_build:end -->"
    body = (
        f"{start}\n## The report build against its floor, at the same parallelism\n\n"
        f"Measured {dt.date.today().isoformat()} by `make bench` (`benchmarks/bench_build.py`, medians "
        f"of {args.repeat} alternating runs on the default set, {args.sweep_repeat} on the sweep) on: "
        f"{info}.\n\n"
        f"{text}\n{end}"
    )
    old = target.read_text("utf-8") if target.exists() else "# Benchmark results\n"
    if start in old and end in old:
        new = old[: old.index(start)] + body + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + body + "\n"
    target.write_text(new, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
