"""Reading the reference tables an importer reads, and writing the project's raw "source-row" CSV
files (the format is documented in data/raw/README.md)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from ..fields import SOURCE_ROW_OPTIONAL, SOURCE_ROW_REQUIRED
from ..meta import source_originals, url_problem
from ..provinces import nfc

Row = Mapping[str, object]
# what one value of one source is: two rows equal on these say the same thing
_SAME_VALUE = (
    "year",
    "province",
    "indicator",
    "geography",
    "source_url",
    "score",
    "rank",
    "rank_basis",
    "tier",
)


class SourceRowError(ValueError):
    """A row the importer may not write (a source URL that clean would refuse)."""


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return nfc(str(value))


def read_records(
    path: Path, label: str, columns: Sequence[str], error: type[ValueError]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The records of the CSV file ``path`` (UTF-8, a BOM allowed) as read, each with the line it
    ends on, read as they are iterated. Raises ``error`` naming ``label`` (the file as the reader
    knows it) when a column of ``columns`` is missing."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise error(f"{label}:1: missing column(s) {', '.join(missing)}")
        for record in reader:
            yield reader.line_num, record


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write ``rows`` (only ``columns``, in that order) as a UTF-8 CSV with text in NFC and
    missing values as empty cells; returns the number of rows written."""
    rows = list(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
    return len(rows)


def cite_originals(rows: Iterable[Row]) -> list[dict[str, object]]:
    """Rows citing a known copy of an article (``meta/source_originals.csv``) cite the original
    instead; a row that then repeats another row of the original is dropped (it said the same)."""
    originals = source_originals()
    given: list[dict[str, object]] = [dict(r) for r in rows]
    own = {
        tuple(_cell(r.get(c)) for c in _SAME_VALUE)
        for r in given
        if _cell(r.get("source_url")) not in originals
    }
    out: list[dict[str, object]] = []
    for row in given:  # in the order given
        url = _cell(row.get("source_url"))
        if url in originals:
            row = {**row, "source_url": originals[url]}
            key = tuple(_cell(row.get(c)) for c in _SAME_VALUE)
            if key in own:
                continue
            own.add(key)
        out.append(row)
    return out


def split_citable(rows: Iterable[Row]) -> tuple[list[dict[str, object]], list[tuple[dict[str, object], str]]]:
    """The rows whose source URL clean accepts (after :func:`cite_originals`), and the others
    with the reason (a bare IP address, a refused host …), for the importer to report."""
    kept, refused = [], []
    for row in cite_originals(rows):
        why = url_problem(_cell(row.get("source_url")))
        if why:
            refused.append((row, why))
        else:
            kept.append(row)
    return kept, refused


def write_source_rows(path: Path, rows: Iterable[Row]) -> int:
    """Write ``rows`` as a source-row CSV at ``path``; returns the rows written.

    Only the optional columns that some row fills are written, so simple sources stay simple:
    ``geography`` appears only where some row is not for the default ``provinces_63`` (an
    empty cell means the default). Rows citing a known copy cite its original
    (:func:`cite_originals`); a row whose URL clean would refuse raises
    :class:`SourceRowError` (filter with :func:`split_citable` and report what is left out).
    """
    rows = cite_originals(rows)
    for number, row in enumerate(rows, start=2):
        why = url_problem(_cell(row.get("source_url")))
        if why:
            raise SourceRowError(f"{path}:{number}: source_url {row.get('source_url')!r}: {why}")
    optional = [c for c in SOURCE_ROW_OPTIONAL if any(r.get(c) not in (None, "") for r in rows)]
    return write_rows(path, [*SOURCE_ROW_REQUIRED, *optional], rows)


LEFT_OUT_COLUMNS = ("reference_file", "year", "province", "item", "value", "source_url", "reason")
LEFT_OUT_QUOTE = "quote"  # written only where some row has the source's own words (quote_vi)


def left_out_file(importer: str) -> str:
    """The raw file listing the values an importer left out (``errata/left_out_<importer>.csv``)."""
    return f"errata/left_out_{importer}.csv"


def write_left_out(raw_dir: Path, importer: str, refused: Iterable[tuple[str, Row, str]]) -> int:
    """List the values an importer did not write because their source is refused — ``(reference
    file, row, reason)`` — in ``errata/left_out_<importer>.csv``, so the loss stays visible (clean
    publishes them as ``lost_values``), with the source's own words (``quote_vi``) where the
    reference gives them; returns the rows written."""
    rows = []
    for relative, row, why in refused:
        value = " / ".join(
            f"{name} {_cell(row.get(name))}" for name in ("score", "rank", "value") if _cell(row.get(name))
        )
        rows.append(
            {
                "reference_file": relative,
                "year": row.get("year"),
                "province": row.get("province") or "Quảng Ninh",
                "item": row.get("indicator") or row.get("metric"),
                "value": value,
                "source_url": row.get("source_url"),
                "reason": why,
                LEFT_OUT_QUOTE: row.get("quote_vi") or row.get(LEFT_OUT_QUOTE),
            }
        )
    quoted = any(_cell(r[LEFT_OUT_QUOTE]) for r in rows)
    columns = (*LEFT_OUT_COLUMNS, LEFT_OUT_QUOTE) if quoted else LEFT_OUT_COLUMNS
    return write_rows(raw_dir / left_out_file(importer), columns, rows)


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in ascii_name if c.isalnum() and c.isascii()).lower()


def foreign_portal(url: str, province: str) -> str | None:
    """Why ``url`` may not be cited for ``province``'s own facts: it is another province's
    government portal (``*.quangnam.gov.vn`` for a fact of Quảng Ninh). None when it is not."""
    from urllib.parse import urlsplit

    from ..provinces import provinces

    host = (urlsplit(url).hostname or "").lower()
    if not host.endswith(".gov.vn"):
        return None
    labels = host.removesuffix(".gov.vn").split(".")
    own = _slug(province)
    for other in provinces().values():
        slug = _slug(other.name)
        if slug != own and slug in labels:
            return (
                f"another province's portal ({other.name}, {host}) cited for {province}'s own facts: "
                "cite the original"
            )
    return None
