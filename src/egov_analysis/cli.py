"""The `egov-analysis` command: a thin layer over the library.

egov-analysis provinces resolve NAME...     code, canonical name and 2025 unit per name
egov-analysis provinces table               the registry as CSV
egov-analysis paths                         where every directory is
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import config

Handler = Callable[[argparse.Namespace, config.Paths], int]


def _add_path_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("paths (override EGOV_* environment variables)")
    for name in ("raw", "processed", "figures", "reports", "notebooks", "reference"):
        group.add_argument(
            f"--{name}", metavar="DIR", default=None, help=f"{name} directory (env {config.ENV_VARS[name]})"
        )


def _paths_from(args: argparse.Namespace) -> config.Paths:
    return config.paths(**{name: getattr(args, name, None) for name in config.ENV_VARS if name != "root"})


def _cmd_provinces_resolve(args: argparse.Namespace, paths: config.Paths) -> int:
    from .provinces import UnknownProvinceError, resolve

    status = 0
    for name in args.names:
        try:
            province = resolve(name)
        except UnknownProvinceError as err:
            print(f"error: {err}", file=sys.stderr)
            status = 1
            continue
        print(f"{province.gso_code}\t{province.name}\t{province.successor_2025}")
    return status


def _cmd_provinces_table(args: argparse.Namespace, paths: config.Paths) -> int:
    from .provinces import table

    table().to_csv(sys.stdout, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return 0


def _cmd_import(args: argparse.Namespace, paths: config.Paths) -> int:
    import warnings

    source = Path(args.directory).resolve() if args.directory else None
    reference = paths.reference
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            counts = _run_import(args.source, source, reference, paths)
    except (ValueError, FileNotFoundError) as err:  # an importer's refusal names file, cell, value
        print(f"import {args.source}: {err}", file=sys.stderr)
        return 1
    for warning in caught:  # rows an importer left out, each with its reason
        print(f"warning: {warning.message}", file=sys.stderr)
    for name, n in counts.items():
        print(f"{name}\t{n} rows")
    print(f"wrote {sum(counts.values())} source rows under {paths.raw}")
    return 0


def _run_import(name: str, source: Path | None, reference: Path, paths: config.Paths) -> dict[Any, int]:
    from .sources import compiled, geo, papi, pci_panel, pci_subindex_panel, press_tables, programme, vcci_pci

    if name == "vcci-pci":
        return vcci_pci.import_directory(source or reference / "pci" / "vcci_workbooks", paths.raw)
    if name == "papi":
        return papi.import_directory(source or reference / "papi" / "yearly_subdimension_files", paths.raw)
    if name == "programme":
        return programme.import_all(source or reference, paths.raw)
    if name == "geo":
        return geo.import_outlines(source or reference, paths.raw)
    if name == "pci-panel":
        return pci_panel.import_panel(source or reference, paths.raw)
    if name == "pci-subindex-panel":  # checked against the VCCI values already in data/raw
        return pci_subindex_panel.import_panel(source or reference, paths.raw)
    if name == "press-tables":
        return press_tables.import_press_tables(source or reference, paths.raw)
    base = source or reference
    return {
        **compiled.import_pci_compiled(base, paths.raw),
        **compiled.import_compiled_tables(base, paths.raw),
    }


def _cmd_clean(args: argparse.Namespace, paths: config.Paths) -> int:
    from .clean.problems import ValidationError, format_report
    from .clean.run import DataLossError, NoRawDataError, clean
    from .meta import MetaError

    try:
        version = clean(paths, allow_loss=args.allow_loss)
    except MetaError as err:  # a domain table of meta/ is malformed: one line, file and line
        print(f"clean: {err}", file=sys.stderr)
        print(f"clean: {paths.processed} left unchanged", file=sys.stderr)
        return 1
    except (DataLossError, NoRawDataError) as err:
        print(f"clean: {err}", file=sys.stderr)
        print(f"clean: {paths.processed} left unchanged", file=sys.stderr)
        return 1
    except ValidationError as err:
        print(format_report(err.report), file=sys.stderr)
        print(f"clean: {len(err.report)} problem(s); {paths.processed} left unchanged", file=sys.stderr)
        return 1
    print(f"clean: wrote {paths.processed} (version {version.name})")
    return 0


def _explicit_outputs(args: argparse.Namespace) -> bool:
    """Whether the output folders were chosen (an option or an ``EGOV_*`` variable)."""
    import os

    names = ("reports", "figures")
    return any(getattr(args, n, None) or os.environ.get(config.ENV_VARS[n]) for n in names)


def _build_log(quiet: bool) -> Callable[[str], None]:
    """Lines as they happen: failures, warnings and stops on stderr, the rest on stdout (none when
    ``quiet``)."""

    def log(line: str) -> None:
        alert = line.startswith(("FAILED", "warning", "build: stopped"))
        if alert or not quiet:
            print(line, file=sys.stderr if alert else sys.stdout, flush=True)

    return log


def _cmd_build(args: argparse.Namespace, paths: config.Paths) -> int:
    from pathlib import Path

    from .clean.problems import ValidationError, format_report
    from .reporting.contract import load_reports
    from .reporting.engines import SchedulerError, scheduler_address
    from .reporting.reports import ReportsFileError, select
    from .reporting.runner import (
        LOCKED_EXIT,
        BuildFaultError,
        BuildInterruptedError,
        BuildLockedError,
        build,
        default_reports_file,
        dry_run,
        own_outputs,
    )

    reports_file = Path(args.reports_file) if args.reports_file else default_reports_file(paths)
    published = paths.reports
    if not _explicit_outputs(args):
        paths = own_outputs(paths, reports_file)
    log = _build_log(args.quiet)
    try:
        if args.list:
            for report in select(load_reports(reports_file, paths.notebooks), args.set, args.only or ()):
                print(report.name)
            return 0
        if args.dry_run:
            to_stderr = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
            # stdout holds only the reports that would run
            plan = dry_run(paths, reports_file, args.only or (), args.force, args.set, log=to_stderr)
            for name, why in plan.items():
                print(f"{name}\t{why}")
            return 0
        if paths.reports != published:
            log(f"build: {reports_file.name} writes to {paths.reports} and {paths.figures}")
        result = build(
            paths,
            reports_file,
            args.jobs,
            args.only or (),
            args.force,
            progress=not args.quiet,
            report_set=args.set,
            scheduler=scheduler_address(args.scheduler),
            log=log,
            wait_for_lock=args.wait,
            time_limit=args.time_limit,
        )
    except BuildLockedError as err:
        print(f"build: {err}", file=sys.stderr)
        return LOCKED_EXIT
    except BuildInterruptedError as stop:
        done = sum(o.ok for o in stop.result.ran)
        print(
            f"build: stopped by {stop.signal_name}; {done} finished report(s) kept, the rest not run",
            file=sys.stderr,
            flush=True,
        )
        print(stop.result.summary(stop.signal_name), flush=True)
        return stop.exit_status
    except (ReportsFileError, KeyError, SchedulerError) as err:
        print(f"build: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 2
    except BuildFaultError as err:
        print(f"build: {err}", file=sys.stderr)
        return 1
    except ValidationError as err:
        print(format_report(err.report), file=sys.stderr)
        print("build: the raw data have problems; nothing was built", file=sys.stderr)
        return 1
    if result.skipped:
        log(f"build: {len(result.skipped)} report(s) up to date: {', '.join(result.skipped)}")
    log(f"build: {paths.reports / 'index.html'}")
    if result.failures:
        print(
            f"build: {len(result.failures)} report(s) failed; their previous outputs are kept",
            file=sys.stderr,
        )
    print(result.summary(), flush=True)
    return 1 if result.failures else 0


def _cmd_notebooks_refresh(args: argparse.Namespace, paths: config.Paths) -> int:
    from .reporting.checked_outputs import refresh_outputs

    for path in refresh_outputs(paths, args.names):
        print(f"kept checked outputs of {path}")
    return 0


def _cmd_dictionary(args: argparse.Namespace, paths: config.Paths) -> int:
    from .fields import data_dictionary

    target = paths.root / "docs" / "data_dictionary.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(data_dictionary() + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


def _cmd_paths(args: argparse.Namespace, paths: config.Paths) -> int:
    for name, path in paths.as_dict().items():
        print(f"{name}\t{path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="egov-analysis",
        description="Vietnam's provincial e-government and governance indices: data, charts, reports.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"egov-analysis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    prov = commands.add_parser("provinces", help="the province registry")
    prov_cmds = prov.add_subparsers(dest="provinces_command", required=True, metavar="ACTION")
    res = prov_cmds.add_parser("resolve", help="print code<TAB>canonical name<TAB>2025 unit for each name")
    res.add_argument("names", nargs="+", metavar="NAME", help="province names in any spelling")
    res.set_defaults(handler=_cmd_provinces_resolve)
    tab = prov_cmds.add_parser("table", help="print the registry as CSV")
    tab.set_defaults(handler=_cmd_provinces_table)

    imp = commands.add_parser("import", help="write raw source rows from a publisher's files")
    imp.add_argument(
        "source",
        choices=[
            "vcci-pci",
            "papi",
            "compiled",
            "pci-panel",
            "pci-subindex-panel",
            "press-tables",
            "programme",
            "geo",
        ],
        help="vcci-pci: VCCI's PCI workbooks 2005-2016; papi: PAPI sub-dimension files; "
        "pci-panel: the PCI 2016-2022 panel of a replication file (its own short codes); "
        "pci-subindex-panel: PCI overall and sub-indices 2012-2021 of a second replication file, "
        "its column map checked against VCCI's values in data/raw first (run after vcci-pci and "
        "compiled); "
        "press-tables: PCI 2024 top 10 (SGGP), PAPI scores printed by the press, the dataset "
        "hub previews (PAR 2012, DTI 2020, SIPAS 2017, ICT 2006); "
        "compiled: the compiled source tables of ../shared/reference; programme: Quảng Ninh's "
        "programme facts, provincial budgets and CPI; geo: province outlines",
    )
    imp.add_argument(
        "directory",
        nargs="?",
        default=None,
        help="where the publisher's files are (default: their place in --reference)",
    )
    _add_path_options(imp)
    imp.set_defaults(handler=_cmd_import)

    cln = commands.add_parser("clean", help="validate data/raw and rebuild data/processed")
    cln.add_argument(
        "--allow-loss",
        action="store_true",
        help="publish even if index-years of the current outputs would disappear",
    )
    _add_path_options(cln)
    cln.set_defaults(handler=_cmd_clean)

    bld = commands.add_parser(
        "build", help="clean if needed, then run every report (papermill) and export HTML"
    )
    bld.add_argument("-j", "--jobs", type=int, default=2, help="reports run at once (default 2)")
    bld.add_argument("--only", nargs="+", metavar="NAME", help="run only these reports")
    bld.add_argument("--force", action="store_true", help="re-run reports even if nothing changed")
    bld.add_argument(
        "--reports-file",
        metavar="TOML",
        help="the reports file (default reports.toml); another file writes to <its stem>-outputs/ "
        "beside it unless --reports/--figures say where",
    )
    bld.add_argument(
        "--quiet",
        action="store_true",
        help="print only failures, warnings and the summary line (no progress bar, no ok lines)",
    )
    bld.add_argument(
        "--dry-run",
        action="store_true",
        help="print `name<TAB>reason` for every report that would run, and nothing else; run nothing",
    )
    bld.add_argument(
        "--wait",
        nargs="?",
        type=float,
        const=-1.0,
        default=None,
        metavar="SECONDS",
        help="wait for another build's lock (for SECONDS, or as long as it takes) instead of exiting "
        "at once with status 75",
    )
    bld.add_argument(
        "--time-limit",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="a report running longer fails (default 1800)",
    )
    bld.add_argument(
        "--set",
        default="default",
        metavar="NAME",
        help="the set of reports to run: default (small), sweep (every province, sub-index and "
        "language) or all (default: default)",
    )
    bld.add_argument(
        "--list", action="store_true", help="print the name of every report of the set, one a line; run none"
    )
    bld.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="run the reports on this Dask scheduler's workers instead of local processes "
        "(env EGOV_DASK_SCHEDULER; -j is then the cluster's business); connect only to schedulers "
        "you trust",
    )
    _add_path_options(bld)
    bld.set_defaults(handler=_cmd_build)

    nbs = commands.add_parser("notebooks", help="maintain the committed notebooks")
    nbs_cmds = nbs.add_subparsers(dest="notebooks_command", required=True, metavar="ACTION")
    refresh = nbs_cmds.add_parser(
        "refresh-outputs", help="re-run notebooks and keep only the outputs of cells tagged keep_output"
    )
    refresh.add_argument("names", nargs="*", help="notebook names (default: all)")
    refresh.set_defaults(handler=_cmd_notebooks_refresh)

    dic = commands.add_parser("dictionary", help="write docs/data_dictionary.md from the fields")
    dic.set_defaults(handler=_cmd_dictionary)

    show = commands.add_parser("paths", help="print every project directory")
    _add_path_options(show)
    show.set_defaults(handler=_cmd_paths)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, _paths_from(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
