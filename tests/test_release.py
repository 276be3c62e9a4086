"""A release people can install, cite and reuse: the package's front door (help, dir, lazy parts,
datasets, reprs, forgiving ids), data found or refused in one line, `clean` of no raw data, the
README's examples run as written, and the files a release carries (licence, citation, changelog)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import egov_analysis as ea
from egov_analysis import config, meta
from egov_analysis.datasets import DataNotFoundError, load
from egov_analysis.fields import TABLES

ROOT = config.paths().root
SRC = Path(ea.__file__).resolve().parents[1]


def panel_rows(years: range = range(2015, 2020), n_units: int = 8) -> pd.DataFrame:
    """PCI overall rows as ``rankings.select`` reads them: ``n_units`` real provinces, ranks moving."""
    from egov_analysis.provinces import provinces

    codes = sorted(provinces())[:n_units]
    rows = [
        {
            "index": "pci",
            "year": year,
            "geography": "provinces_63",
            "province_code": code,
            "province": provinces()[code].name,
            "indicator": "overall",
            "score": 80.0 - 2.5 * rank,
            "score_basis": "published",
            "rank": rank,
            "rank_basis": "published",
            "n_ranked": n_units,
            "source_url": f"https://example.org/pci/{year}",
        }
        for year in years
        for rank, code in enumerate(codes[year % n_units :] + codes[: year % n_units], start=1)
    ]
    return pd.DataFrame(rows).astype(
        {"rank": "Int64", "n_ranked": "Int64", "score": "Float64", "year": "Int64"}
    )


def run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)


# --- the front door -------------------------------------------------------------------------------


def test_help_dir_and_completion_agree_and_teach_load():
    import pydoc

    text = pydoc.render_doc(ea, renderer=pydoc.plaintext)
    assert 'ea.load("indices")' in text  # the quick start
    functions = text.split("FUNCTIONS", 1)[1].split("DATA", 1)[0]
    assert "\n    load(name" in functions and ":func:`datasets`" in functions
    contents = text.split("PACKAGE CONTENTS", 1)[1].split("FUNCTIONS", 1)[0]
    assert {"analysis (package)", "plots (package)", "tables", "datasets"} <= set(contents.split()) | {
        line.strip() for line in contents.splitlines()
    }
    public = [n for n in dir(ea) if not n.startswith("_")]
    assert {"load", "datasets", "plots", "analysis", "tables", "provinces"} <= set(public)
    for name in public:  # completion offers nothing that then raises
        assert getattr(ea, name) is not None


def test_completion_offers_what_dir_lists_without_importing_the_parts():
    jedi = pytest.importorskip("jedi", reason="SKIPPED LOUDLY: jedi (IPython's completer) not installed")
    code = (
        "import json, sys, jedi, egov_analysis as ea\n"
        "names = lambda text: sorted(c.name for c in jedi.Interpreter(text, [{'ea': ea}]).complete()"
        " if not c.name.startswith('_'))\n"
        "listed = sorted(n for n in dir(ea) if not n.startswith('_'))\n"
        "print(json.dumps([listed, names('ea.'), names('ea.analysis.'), 'matplotlib' in sys.modules]))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    listed, offered, analysis, drew = json.loads(result.stdout)
    assert offered == listed == sorted(set(ea.__all__) - {"__version__"})
    assert "load" in offered and "rankings" in analysis and not drew
    assert jedi


def test_import_stays_light_and_parts_are_imported_on_first_use():
    result = run_python(
        "import sys, egov_analysis as ea; before = 'pandas' in sys.modules;"
        "ea.analysis.rankings.select; ea.tables.people_table; ea.plots.DrawingContext;"
        "print(before, 'matplotlib' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_a_part_without_its_extra_names_the_extra_to_install():
    # matplotlib hidden, as in a base install: `ea.plots` says which extra brings it
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import egov_analysis as ea\n"
        "try:\n    ea.plots\nexcept AttributeError as err:\n    print(err)\n"
        "print(hasattr(ea, 'plots'))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert "pip install 'egov-analysis[plots]'" in first and second == "False"
    # a part's own extra wins over the missing package's: Babel is in [plots] and [tables]
    hidden = "import sys; sys.modules['babel'] = None\nimport egov_analysis as ea\nea.plots"
    assert "pip install 'egov-analysis[plots]'" in run_python(hidden).stderr


def test_datasets_lists_every_table_with_one_line_each():
    listing = ea.datasets()
    assert list(listing["dataset"]) == list(TABLES)
    assert listing["description"].str.len().gt(10).all()
    assert not listing["description"].str.contains("\n").any()
    assert listing.loc[listing["dataset"].eq("indices"), "key"].item().startswith("index, year")


def test_datasets_stays_callable_after_its_module_is_imported():
    import egov_analysis.datasets as module

    assert ea.datasets is module and ea.datasets().equals(module.datasets())


def test_a_chart_repr_is_one_short_line(tmp_path):
    from egov_analysis import plots

    rows = panel_rows(range(2006, 2020), n_units=40)  # 560 rows: a frame that must not be printed
    chart = plots.bump_chart(plots.DrawingContext(lang="en", out_dir=tmp_path), rows, ["Hà Nội"], top_n=3)
    text = repr(chart)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("<Chart rank_lines ") and f"{len(chart.data)} rows" in text and "3 files" in text
    nothing = plots.ranked_bars(plots.DrawingContext(lang="en"), rows[rows["year"].eq(2015)].head(1), 2015)
    assert repr(nothing) == f"<NoChart {nothing.kind}: {nothing.reason}>"


@pytest.mark.parametrize("given", ["PCI", "pci", " Pci "])
def test_index_ids_are_case_insensitive(given):
    rows = ea.analysis.rankings.select(panel_rows(), given)
    assert set(rows["index"]) == {"pci"}
    assert ea.plots.index_short(given, "en") == ea.plots.index_short("pci", "en")


def test_every_analysis_entry_point_takes_an_index_id_in_any_case():
    from egov_analysis.analysis import counterfactual, quality, relationships

    rows = panel_rows()
    pd.testing.assert_frame_equal(quality.gaps(rows, "PCI"), quality.gaps(rows, "pci"))
    pd.testing.assert_frame_equal(
        counterfactual.outcome_panel(rows, "Pci"), counterfactual.outcome_panel(rows)
    )
    pairs = relationships.paired_scores(rows, "PCI", "pci", 2016)
    assert len(pairs) == rows["year"].eq(2016).sum()


def test_an_unknown_index_suggests_the_close_one():
    from egov_analysis.analysis.rankings import NoDataError

    with pytest.raises(NoDataError, match="did you mean 'papi'"):
        ea.analysis.rankings.select(panel_rows(), "PAPY")


def test_an_ordinary_typo_gets_suggestions_without_code_points():
    from egov_analysis.provinces import UnknownProvinceError, resolve

    with pytest.raises(UnknownProvinceError) as err:
        resolve("Quang Nihn")
    assert str(err.value) == "unknown province 'Quang Nihn'; did you mean Quảng Ninh, Quảng Ngãi, Quảng Bình?"


def test_a_lookalike_letter_keeps_the_code_points():
    from egov_analysis.provinces import UnknownProvinceError, resolve

    with pytest.raises(UnknownProvinceError) as err:
        resolve("H\u0430 N\u1ed9i")  # a Cyrillic а
    assert "U+0430 CYRILLIC SMALL LETTER A" in str(err.value)


# --- data that travel with the package or fail loudly ------------------------------------------------


def test_without_raw_or_processed_data_load_fails_in_one_line_naming_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("EGOV_DATA_URL", raising=False)
    paths = config.paths(raw=tmp_path / "no-raw", processed=tmp_path / "no-processed")
    with pytest.raises(DataNotFoundError) as err:
        load("indices", paths)
    message = str(err.value)
    assert "\n" not in message
    for fix in ("EGOV_PROCESSED_DIR", "EGOV_DATA_URL", "EGOV_RAW_DIR", "pip install -e ."):
        assert fix in message
    assert not (tmp_path / "no-processed").exists()  # nothing was cleaned or written


def test_an_installed_package_reads_processed_tables_without_raw_data(real_processed, tmp_path):
    paths = real_processed.with_overrides(raw=tmp_path / "no-raw")
    indices = load("indices", paths)
    assert len(indices) > 1000 and indices.equals(load("indices", real_processed))


def test_the_csv_of_the_data_download_loads_with_the_registry_types(real_processed, tmp_path):
    import shutil

    for table in ("indices", "coverage"):
        shutil.copy(real_processed.processed / f"{table}.csv", tmp_path / f"{table}.csv")
    paths = real_processed.with_overrides(raw=tmp_path / "no-raw", processed=tmp_path)
    for table in ("indices", "coverage"):
        from_csv, from_parquet = load(table, paths), load(table, real_processed)
        # a CSV cannot tell an empty text from a missing one: both are an empty cell
        from_parquet = from_parquet.replace({"": pd.NA})
        pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=True)


@pytest.fixture(scope="module")
def data_download(real_processed, tmp_path_factory) -> Path:
    """The data download of the real processed tables, written once for this file's tests, over
    a download of an older version."""
    from egov_analysis.reporting.index_page import write_data_zip

    reports = tmp_path_factory.mktemp("site")
    (reports / "data").mkdir()
    (reports / "data" / "egov-analysis-data-0.0.1.zip").write_bytes(b"an older version")
    download = write_data_zip(real_processed.with_overrides(reports=reports))
    assert download is not None
    return download


def test_a_data_download_named_by_url_is_fetched_once_and_read(
    data_download, real_processed, tmp_path, monkeypatch
):
    import functools
    import http.server
    import threading

    download = data_download
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(download.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{download.name}"
    monkeypatch.setenv("EGOV_DATA_URL", url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    paths = config.paths(raw=tmp_path / "no-raw", processed=tmp_path / "no-processed")
    try:
        cpi = load("cpi", paths)
    finally:
        server.shutdown()
        server.server_close()
    pd.testing.assert_frame_equal(cpi, load("cpi", real_processed).replace({"": pd.NA}))
    assert len(load("indices", paths)) == len(load("indices", real_processed))  # from the cache: no server
    monkeypatch.setenv("EGOV_DATA_URL", str(tmp_path / "nothing.zip"))
    with pytest.raises(FileNotFoundError):
        load("cpi", paths)


def test_outside_a_checkout_the_shipped_tables_are_the_default(tmp_path, monkeypatch):
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "manifest.json").write_text("{}")
    monkeypatch.setattr(config, "BUNDLED_DIR", bundled)
    monkeypatch.delenv("EGOV_PROCESSED_DIR", raising=False)
    monkeypatch.setenv("EGOV_ROOT", str(tmp_path / "site-packages"))
    assert config.paths().processed == bundled
    monkeypatch.setenv("EGOV_RAW_DIR", str(ROOT / "data" / "raw"))  # raw data named: cleaned, not into
    assert config.paths().processed == tmp_path / "site-packages" / "data" / "processed"  # the package
    monkeypatch.delenv("EGOV_RAW_DIR")
    monkeypatch.setenv("EGOV_ROOT", str(ROOT))  # a checkout keeps its data/processed
    assert config.paths().processed == ROOT / "data" / "processed"


@pytest.mark.parametrize("state", ["missing", "empty", "only hidden files"])
def test_clean_refuses_a_missing_or_empty_raw_folder(tmp_path, state):
    from support import run_clean_cli

    raw = tmp_path / "raw"
    if state != "missing":
        raw.mkdir()
    if state == "only hidden files":
        (raw / ".DS_Store").write_text("x")
    result = run_clean_cli(raw, tmp_path / "processed")
    assert result.returncode == 1
    assert f"the raw folder {raw}" in result.stderr and "EGOV_RAW_DIR" in result.stderr
    assert not (tmp_path / "processed").exists()


# --- the README's examples, as written ------------------------------------------------------------------


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.extended  # every README block, the counterfactual study included
def test_the_readme_examples_and_the_quick_start_run_as_written(real_processed, monkeypatch, tmp_path):
    monkeypatch.setenv("EGOV_PROCESSED_DIR", str(real_processed.processed))
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    quick_start = textwrap.dedent((ea.__doc__ or "").split("Quick start::", 1)[1].split("\n\n``load", 1)[0])
    namespace: dict[str, object] = {}
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"README.md python block {number}", "exec"), namespace)
    exec(compile(quick_start, "egov_analysis.__doc__ quick start", "exec"), {})
    import matplotlib.pyplot as plt

    plt.close("all")


# --- licence, citation, changelog ---------------------------------------------------------------------


def test_the_release_files_exist_and_agree_with_the_package():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    import yaml  # pre-commit's dependency

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["license"] == "MIT"
    publishers = {a["name"] for ref in citation["references"] for a in ref["authors"]}
    for index in meta.indices().values():  # every index's publisher is credited
        for publisher in re.split(r", | with ", index.publisher):
            assert any(publisher in name for name in publishers), publisher
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Data terms" in readme and "not verified" in readme


def test_the_readme_and_changelog_say_why_scpi_is_not_used():
    # issue 19 asked for scpi's prediction intervals "if it installs cleanly here": it does not
    # run on pandas 3, so it is no dependency, and both files say so with the version tried
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [d for group in project["optional-dependencies"].values() for d in group]
    assert not [d for d in [*project["dependencies"], *extras] if d.lower().startswith("scpi")]
    for name in ("README.md", "CHANGELOG.md"):
        text = " ".join((ROOT / name).read_text(encoding="utf-8").split())
        sentence = re.search(r"`scpi-pkg`[^`]*?is not used[^.]*?4\.0\.0[^.]*?pandas 3", text)
        assert sentence, name


# --- the data package -------------------------------------------------------------------------------


def test_the_descriptor_holds_every_table_field_type_key_and_licence():
    from egov_analysis.datapackage import FIELD_TYPES, descriptor

    package = descriptor("1.2.3")
    assert package["version"] == "1.2.3" and package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    for res in package["resources"]:
        table = TABLES[res["name"]]
        schema = res["schema"]
        assert [f["name"] for f in schema["fields"]] == table.columns
        assert [f["type"] for f in schema["fields"]] == [FIELD_TYPES[f.dtype] for f in table.fields]
        assert schema["primaryKey"] == list(table.key) and schema["missingValues"] == [""]
        required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
        assert required == {f.name for f in table.fields if not f.nullable and f.dtype != "string"}
        assert res["licenses"] and all("title" in lic and "path" in lic for lic in res["licenses"])
    index = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "index")
    assert index["constraints"]["enum"] == list(meta.indices())


def test_the_readme_data_terms_are_the_terms_table():
    from egov_analysis.datapackage import terms_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert terms_markdown() in readme


def test_the_header_check_names_a_csv_that_disagrees():
    from egov_analysis.datapackage import check_headers, descriptor

    package = descriptor("1", ["cpi"])
    columns = TABLES["cpi"].columns
    assert check_headers(package, {"cpi.csv": ",".join(columns) + "\n"}) == []
    swapped = ",".join([columns[1], columns[0], *columns[2:]]) + "\n"
    (problem,) = check_headers(package, {"cpi.csv": swapped, "extra.csv": "a\n"})[1:]
    assert problem.startswith("cpi.csv: header")
    assert check_headers(package, {})[0] == "cpi.csv: resource 'cpi' has no file"


def test_the_data_download_carries_a_versioned_datapackage_that_validates(
    data_download, real_processed, tmp_path
):
    import zipfile

    from egov_analysis.datapackage import check_headers

    download = data_download
    assert download.name == f"egov-analysis-data-{ea.__version__}.zip"
    assert [p.name for p in download.parent.iterdir()] == [download.name]  # the older one is gone
    with zipfile.ZipFile(download) as archive:
        archive.extractall(tmp_path / "unzipped")
    unzipped = tmp_path / "unzipped"
    package = json.loads((unzipped / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == ea.__version__ and "not verified" in (unzipped / "DATA-TERMS.md").read_text()
    texts = {p.name: p.read_text(encoding="utf-8") for p in unzipped.glob("*.csv")}
    assert len(texts) == len(TABLES) and check_headers(package, texts) == []
    import sqlite3  # the same tables for Datasette or any SQL client

    database = sqlite3.connect(unzipped / "egov-analysis-data.sqlite")
    for name, table in TABLES.items():
        rows = database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        assert rows == len(load(name, real_processed)) > 0
        info = database.execute(f'PRAGMA table_info("{name}")').fetchall()
        assert [c[1] for c in info] == table.columns
        assert [c[1] for c in sorted((c for c in info if c[5]), key=lambda c: c[5])] == list(table.key)
    qn = database.execute(
        "SELECT score FROM indices WHERE \"index\" = 'pci' AND year = 2016 AND province_code = '22' "
        "AND indicator = 'overall' AND geography = 'provinces_63'"
    ).fetchone()[0]
    indices = load("indices", real_processed)
    expected = indices.query(
        "index == 'pci' and year == 2016 and province_code == '22' and indicator == 'overall' "
        "and geography == 'provinces_63'"
    )["score"].item()
    assert qn == expected
    database.close()
    frictionless = pytest.importorskip("frictionless", reason="SKIPPED LOUDLY: frictionless not installed")
    report = frictionless.validate(unzipped / "datapackage.json")
    errors = [f"{e.type}: {e.note}" for task in report.tasks for e in task.errors][:5]
    assert report.valid, errors
    assert sum(task.stats["rows"] for task in report.tasks) > 10_000  # every row was read
    cpi = unzipped / "cpi.csv"  # and a value against the schema is caught
    lines = cpi.read_text(encoding="utf-8").splitlines()
    cpi.write_text("\n".join([lines[0], "not a year" + lines[1][4:], *lines[2:]]) + "\n", encoding="utf-8")
    only_cpi = {**package, "resources": [r for r in package["resources"] if r["name"] == "cpi"]}
    (unzipped / "cpi_only.json").write_text(json.dumps(only_cpi), encoding="utf-8")
    broken = frictionless.validate(unzipped / "cpi_only.json")
    assert not broken.valid and broken.tasks[0].errors[0].type == "type-error"


def test_the_sqlite_database_is_the_same_bytes_for_the_same_tables(real_processed):
    from egov_analysis.datapackage import sqlite_bytes

    frames = {name: load(name, real_processed) for name in ("cpi", "phases")}
    assert sqlite_bytes(frames) == sqlite_bytes(frames)


def test_the_downloads_database_is_made_once_per_processed_version(tmp_path):
    """Builds into new reports folders over the same processed data reuse the SQLite database kept
    beside the data; other data (another manifest) or none (no manifest) make it again."""
    from egov_analysis.datapackage import sqlite_bytes
    from egov_analysis.reporting.index_page import kept_sqlite

    paths = config.paths(processed=tmp_path / "processed")
    value = {"string": "x", "Int64": 2020, "Float64": 1.5, "boolean": False}  # one row, any values
    frames = {
        "cpi": pd.DataFrame(
            {f.name: pd.Series([value[f.dtype]], dtype=f.dtype) for f in TABLES["cpi"].fields}
        )
    }
    made = []

    def tables() -> dict[str, pd.DataFrame]:
        made.append(1)
        return frames

    first = kept_sqlite(paths, b'{"version": "a"}', tables)
    assert first == sqlite_bytes(frames) and made == [1]
    assert kept_sqlite(paths, b'{"version": "a"}', tables) == first and made == [1]  # kept
    kept_sqlite(paths, b'{"version": "b"}', tables)
    assert made == [1, 1] and len(list((paths.processed / "cache" / "sqlite").glob("*.sqlite"))) == 1
    kept_sqlite(paths, b"", tables)
    kept_sqlite(paths, b"", tables)
    assert made == [1, 1, 1, 1]  # no manifest, nothing to key by
