"""One checked reader for every raw file: source rows, programme facts and phases, provincial
budgets, CPI (and the outline files' place in the tree).

Each file is checked against its registered format (``fields.RAW_FOLDERS``, the source-row format
for every index folder of ``meta/indices.csv``) and every problem is recorded with the file, the
**physical** line (a quoted line break or a blank line never shifts later lines), the column, the
value and the rule — all of them, so that one run reports everything at once:

- the tree: a sub-folder, a folder that is neither an index nor a known raw folder, a file that
  is not part of its folder's format (``*.CSV`` is read like ``*.csv``), a file that is not a
  regular file (a FIFO is never opened), a file over the size limit
  (``config.max_raw_file_bytes``);
- the bytes: empty, not UTF-8, an HTML page saved as CSV; text is normalised to NFC;
- the header: a required column missing, a column not in the format (``teir``), a column
  twice, a ``;``-separated file;
- the rows: too many or too few fields (an unquoted decimal comma), a repeated header, broken
  quoting, a header without rows;
- the cells: an empty required cell, a value outside the allowed ones, a pattern not matched,
  a source URL that is not an http(s) URL with a real host or cites a refused host.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..config import MAX_RAW_FILE_VARIABLE, max_raw_file_bytes
from ..fields import INDEX_FOLDER_FORMAT, RAW_FOLDERS, SOURCE_ROW_OPTIONAL, SOURCE_ROW_REQUIRED, Table
from ..meta import indices, url_problems
from ..provinces import nfc
from .problems import Problems

# the source-row format comes from the field registry (and docs/data_dictionary.md from it)
REQUIRED_COLUMNS = SOURCE_ROW_REQUIRED
OPTIONAL_COLUMNS = SOURCE_ROW_OPTIONAL
LINE = "_line"


@dataclass(frozen=True)
class RawFile:
    """One file of data/raw and the format it is read with (None: a GeoJSON outline file)."""

    path: Path
    name: str  # relative to data/raw, with forward slashes
    format: Table | None
    index: str = ""  # the index of a source-row file


def _skipped(path: Path) -> bool:
    # dot-files (.gitkeep, .DS_Store) and READMEs document, they hold no data
    return path.name.startswith(".") or path.name.lower().startswith("readme")


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not _skipped(p))


def raw_files(raw_dir: Path, problems: Problems) -> list[RawFile]:
    """Every data file under ``raw_dir`` with its format; every other entry is a problem."""
    if not raw_dir.is_dir():
        return []
    known_indices = indices()
    out: list[RawFile] = []

    def rel(path: Path) -> str:
        return path.relative_to(raw_dir).as_posix()

    for entry in _children(raw_dir):
        if not entry.is_dir():
            problems.file(
                rel(entry),
                "unexpected_file",
                "a file directly in data/raw is not read: put source rows into data/raw/<index>/",
            )
        elif entry.name in known_indices:
            for child in _children(entry):
                if child.is_dir():
                    problems.file(
                        rel(child) + "/",
                        "unexpected_folder",
                        f"sub-folders of data/raw/{entry.name}/ are not read: move the files up a level",
                    )
                elif child.suffix.lower() == ".csv":
                    out.append(RawFile(child, rel(child), INDEX_FOLDER_FORMAT, entry.name))
                else:
                    problems.file(
                        rel(child),
                        "unexpected_file",
                        f"not a CSV file: data/raw/{entry.name}/ holds source-row CSV files only",
                    )
        elif entry.name in RAW_FOLDERS:
            formats = RAW_FOLDERS[entry.name]
            for child in _children(entry):
                if child.name in formats and not child.is_dir():
                    out.append(RawFile(child, rel(child), formats[child.name]))
                else:
                    problems.file(
                        rel(child) + ("/" if child.is_dir() else ""),
                        "unexpected_folder" if child.is_dir() else "unexpected_file",
                        f"not a file of data/raw/{entry.name}/ (it holds {', '.join(formats)})",
                    )
        else:
            problems.file(
                rel(entry) + "/",
                "unknown_folder",
                f"{entry.name!r} is neither an index of src/egov_analysis/meta/indices.csv "
                f"({', '.join(known_indices)}) nor a raw folder ({', '.join(RAW_FOLDERS)}): "
                "register the index first",
            )
    return out


def raw_inputs(raw_dir: Path) -> list[Path]:
    """Every regular data file under ``raw_dir`` (also those the cleaning refuses): the
    fingerprint of these decides whether the processed tables are stale."""
    found = []
    for folder, dirs, files in os.walk(raw_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not _skipped(path) and stat.S_ISREG(path.stat().st_mode):
                found.append(path)
    return found


def source_files(raw_dir: Path) -> list[Path]:
    """Every source-row file of the known indices, in a stable order."""
    return [f.path for f in raw_files(raw_dir, Problems()) if f.index]


def _open(path: Path, name: str, problems: Problems) -> bytes | None:
    """The file's bytes, unless it is not a regular file or is too large (never opened then)."""
    try:
        info = path.stat()
    except OSError as err:
        problems.file(name, "unreadable_file", f"cannot read the file: {err.strerror}", line=1)
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.file(name, "not_a_regular_file", "not a regular file (a pipe, socket or device)", line=1)
        return None
    limit = max_raw_file_bytes()
    if info.st_size > limit:
        problems.file(
            name,
            "file_too_large",
            f"{info.st_size:,} bytes, over the limit of {limit:,} bytes per raw file "
            f"({MAX_RAW_FILE_VARIABLE}); split the file",
            line=1,
        )
        return None
    return path.read_bytes()


def _looks_utf16(data: bytes) -> bool:
    """Text in UTF-16 (no byte-order mark): ASCII characters leave a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (
        max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3
        and min(even.count(0), odd.count(0)) == 0
    )


def decode(data: bytes, name: str, problems: Problems) -> str | None:
    """UTF-8 text (a BOM is dropped) in NFC, or None with the problem recorded."""
    if not data.strip():
        problems.file(name, "empty_file", "the file is empty", line=1)
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        bom = "with" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "without"
        problems.file(
            name,
            "not_utf8",
            f"not UTF-8 (looks like UTF-16, {bom} a byte-order mark): save the file as UTF-8",
            line=1,
        )
        return None
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data[:at].count(b"\n") + 1
        problems.file(
            name,
            "not_utf8",
            f"not UTF-8 text (has NUL bytes, the first at byte {at}): not a text file",
            line=line,
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        problems.file(
            name,
            "not_utf8",
            f"not UTF-8 text: byte {data[err.start]:#04x} at character {column} of the line; "
            "save the file as UTF-8",
            line=line,
        )
        return None
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or "<html" in head:
        problems.file(name, "html_not_csv", "an HTML page saved as .csv, not a CSV table", line=1)
        return None
    return nfc(text)  # NFD text (macOS, PDF copy-paste) compares equal from here on


def _records(text: str, name: str, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the record starts, its fields), blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    try:
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if not any(f.strip() for f in fields):
                continue
            yield start, fields
    except csv.Error as err:
        problems.file(
            name,
            "bad_quoting",
            f"the CSV quoting is broken ({err}); a quote opened here is never closed",
            line=previous + 1,
        )


NUMBER_COLUMNS = ("score", "value", "cpi_avg_change_pct")


def _field_count_hint(fields: list[str], header: list[str]) -> str:
    if len(fields) == 1 and ";" in fields[0]:
        return "; the row is separated by ';' — use ','"
    if len(fields) == len(header) + 1:
        for position, column in enumerate(header):
            pair = fields[position : position + 2]
            if column in NUMBER_COLUMNS and re.fullmatch(r"-?\d+,\d+", ",".join(pair)):
                return f'; an unquoted decimal comma in {column}? write "{",".join(pair)}" in quotes'
    return ""


def _check_header(header: list[str], table: Table, name: str, problems: Problems) -> bool:
    known = [f.name for f in table.fields]
    if len(header) == 1 and ";" in header[0]:
        problems.file(
            name,
            "wrong_delimiter",
            "the file is separated by ';': the raw format separates columns by ','",
            column=header[0],
            line=1,
        )
        return False
    ok = True
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.file(
                name,
                "duplicate_column",
                f"column {column!r} appears twice",
                column=column,
                line=1,
                value=column,
            )
            ok = False
        seen.add(column)
        if column not in known:
            close = difflib.get_close_matches(column, known, n=1)
            problems.file(
                name,
                "unknown_column",
                f"column {column!r} is not in the {table.name} format"
                + (f"; did you mean {close[0]!r}?" if close else f" ({', '.join(known)})"),
                column=column,
                line=1,
                value=column,
            )
            ok = False
    missing = [f.name for f in table.fields if not f.optional and f.name not in header]
    if missing:
        problems.file(
            name,
            "missing_columns",
            f"missing column(s): {', '.join(missing)}",
            column=",".join(missing),
            line=1,
        )
        ok = False
    return ok


def _messages(texts: pd.Series) -> Callable[[pd.DataFrame], pd.Series]:
    """A message per problem row, looked up in ``texts`` by row."""
    return lambda hit: texts.loc[hit.index]


def _check_cells(located: pd.DataFrame, table: Table, problems: Problems) -> None:
    """The cell rules of ``table`` on rows with ``file`` and ``line`` columns."""
    for f in table.fields:
        cells = located[f.name]
        empty = cells.eq("")
        if f.check == "url":
            if not f.nullable:
                problems.rows(
                    located,
                    empty,
                    f.name,
                    "missing_source",
                    "every value needs the URL of its published source",
                )
            bad = url_problems(cells.where(~empty))
            problems.rows(located, bad.notna(), f.name, "bad_source_url", _messages(bad))
            continue
        if not f.nullable:
            problems.rows(located, empty, f.name, "missing_value", f"{f.name} must not be empty")
        if f.pattern:
            problems.rows(
                located,
                ~empty & ~cells.str.fullmatch(f.pattern),
                f.name,
                "bad_format",
                f"{f.name} must look like {f.pattern} ({f.description})",
            )
        if f.choices:
            problems.rows(
                located,
                ~empty & ~cells.isin(f.choices),
                f.name,
                "not_allowed",
                f"{f.name} must be one of {', '.join(f.choices)}",
            )


def read_table(
    path: Path, table: Table, name: str, problems: Problems, check_cells: bool = True
) -> pd.DataFrame | None:
    """One raw CSV file as strings in the format's column order (left-out optional columns
    empty) plus ``_line``, the physical line of each row; None when the file cannot be read
    as a table. Every problem goes to ``problems``."""
    data = _open(path, name, problems)
    text = None if data is None else decode(data, name, problems)
    if text is None:
        return None
    records = _records(text, name, problems)
    first = next(records, None)
    if first is None:
        problems.file(name, "empty_file", "the file is empty", line=1)
        return None
    header_line, raw_header = first
    header = [c.strip().lower() for c in raw_header]
    if not _check_header(header, table, name, problems):
        return None
    lines, rows, data_lines = [], [], 0
    for line, fields in records:
        data_lines += 1
        if len(fields) != len(header):
            problems.file(
                name,
                "wrong_field_count",
                f"{len(fields)} fields where the header has {len(header)}"
                + _field_count_hint(fields, header),
                line=line,
            )
        elif [c.strip().lower() for c in fields] == header:
            problems.file(name, "repeated_header", "the header is repeated inside the file", line=line)
        else:
            lines.append(line)
            rows.append([c.strip() for c in fields])
    if not rows:
        if not data_lines:
            problems.file(name, "empty_file", "the file has a header but no rows", line=header_line)
        return None
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    for f in table.fields:
        if f.name not in frame:
            frame[f.name] = pd.Series("", index=frame.index, dtype="string")
    frame = frame[[f.name for f in table.fields]]
    frame[LINE] = lines
    if check_cells:
        _check_cells(frame.assign(file=name, line=frame[LINE]), table, problems)
    return frame


def read_checked(path: Path, table_format: Table, name: str | None = None) -> tuple[pd.DataFrame, Problems]:
    """``path`` read and checked against ``table_format`` (a raw format of ``fields``): the rows
    as strings with a ``_line`` column (physical line), and every problem found (an empty frame
    where the file cannot be read as a table)."""
    problems = Problems()
    frame = read_table(path, table_format, name or path.name, problems)
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype="string") for c in [*table_format.columns, LINE]})
    return frame, problems


def read_source_rows(raw_dir: Path, problems: Problems, files: list[RawFile] | None = None) -> pd.DataFrame:
    """All source rows under ``raw_dir`` (strings; empty cells are empty strings), with
    ``index``, ``file`` and ``line`` (physical) columns."""
    files = raw_files(raw_dir, problems) if files is None else files
    frames = []
    for raw in files:
        if not raw.index:
            continue
        frame = read_table(raw.path, INDEX_FOLDER_FORMAT, raw.name, problems, check_cells=False)
        if frame is not None:
            frame = frame.rename(columns={LINE: "line"})
            frame.insert(0, "index", raw.index)
            frame.insert(1, "file", raw.name)
            frames.append(frame)
    columns = ["index", "file", "line", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    rows = pd.concat(frames, ignore_index=True)[columns]
    _check_cells(rows, INDEX_FOLDER_FORMAT, problems)  # once for all files: the rules are vectorised
    return rows.astype({c: str for c in columns if c != "line"}).astype({"line": "int64"})


def read_raw_table(raw_dir: Path, relative: str) -> pd.DataFrame:
    """A raw CSV other than source rows, read by its registered format, as strings with ``file``
    and ``line`` (physical) for problems. Its problems are reported by :func:`check_raw_tree`
    (which ``clean`` runs first); here an unreadable file gives an empty frame."""
    folder, _, file_name = relative.partition("/")
    table = RAW_FOLDERS[folder][file_name]
    assert table is not None, f"{relative} is not a CSV format"
    frame, _ = read_checked(raw_dir / relative, table, relative)
    frame = frame.rename(columns={LINE: "line"})
    frame.insert(0, "file", relative)
    frame = frame[["file", "line", *table.columns]]
    return frame.astype({c: str for c in table.columns})


def check_raw_tree(raw_dir: Path, problems: Problems) -> list[RawFile]:
    """Check the tree and every raw CSV that is not source rows (programme, budget, CPI);
    returns the data files found. Source rows are read by :func:`read_source_rows`."""
    files = raw_files(raw_dir, problems)
    for raw in files:
        if not raw.index and raw.format is not None:
            read_table(raw.path, raw.format, raw.name, problems)
    return files
