"""Reading raw source-row files: every file of data/raw/<index>/*.csv into one frame of strings.

Files that cannot be read (empty, not UTF-8, an HTML page saved as .csv, missing columns) are
reported as problems, never skipped silently; the other files are still read so that one run
reports every problem at once.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pandas as pd

from ..fields import SOURCE_ROW_OPTIONAL, SOURCE_ROW_REQUIRED
from ..meta import indices
from ..provinces import nfc
from .problems import Problems

# the source-row format comes from the field registry (and docs/data_dictionary.md from it)
REQUIRED_COLUMNS = SOURCE_ROW_REQUIRED
OPTIONAL_COLUMNS = SOURCE_ROW_OPTIONAL


def source_files(raw_dir: Path) -> list[Path]:
    """Every source-row file of the known indices, in a stable order."""
    return sorted(p for index in indices() for p in (raw_dir / index).glob("*.csv"))


def _decode(data: bytes, name: str, problems: Problems) -> str | None:
    if not data.strip():
        problems.file(name, "empty_file", "the file is empty", line=1)
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
    return text if unicodedata.is_normalized("NFC", text) else nfc(text)


def read_file(path: Path, raw_dir: Path, problems: Problems) -> pd.DataFrame | None:
    """One source-row file as strings, with ``index``, ``file`` and ``line`` columns added."""
    name = path.relative_to(raw_dir).as_posix()
    text = _decode(path.read_bytes(), name, problems)
    if text is None:
        return None
    try:
        # pyarrow's reader is several times faster than the C engine on large files
        frame = pd.read_csv(
            io.BytesIO(text.encode("utf-8")), dtype=str, keep_default_na=False, engine="pyarrow"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        problems.file(name, "unreadable_csv", f"not a readable CSV table: {err}", line=1)
        return None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        problems.file(
            name,
            "missing_columns",
            f"missing column(s): {', '.join(missing)}",
            column=",".join(missing),
            line=1,
        )
        return None
    if frame.empty:
        problems.file(name, "empty_file", "the file has a header but no rows", line=1)
        return None
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[[*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]].apply(lambda s: s.str.strip())
    frame.insert(0, "index", path.parent.name)
    frame.insert(1, "file", name)
    frame.insert(2, "line", pd.RangeIndex(2, len(frame) + 2))  # line 1 is the header
    return frame


def read_source_rows(raw_dir: Path, problems: Problems) -> pd.DataFrame:
    """All source rows under ``raw_dir`` (strings; empty cells are empty strings)."""
    frames = [f for p in source_files(raw_dir) if (f := read_file(p, raw_dir, problems)) is not None]
    if not frames:
        columns = ["index", "file", "line", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    return pd.concat(frames, ignore_index=True).astype({"line": "int64"})


def read_raw_table(raw_dir: Path, relative: str) -> pd.DataFrame:
    """A raw CSV other than source rows, as strings, with ``file`` and ``line`` for problems."""
    frame = pd.read_csv(raw_dir / relative, dtype=str, keep_default_na=False)
    frame.insert(0, "file", relative)
    frame.insert(1, "line", range(2, len(frame) + 2))
    return frame
