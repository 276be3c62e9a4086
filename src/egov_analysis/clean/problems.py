"""Collecting every problem of a cleaning run, so that one run reports them all at once."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

COLUMNS = ["file", "line", "column", "value", "rule", "message"]


class ValidationError(ValueError):
    """Raised at the end of a run with problems; ``report`` holds one row per problem."""

    def __init__(self, report: pd.DataFrame) -> None:
        self.report = report
        super().__init__(f"{len(report)} problem(s) in the raw data:\n{format_report(report)}")


class Problems:
    """An append-only list of problems, each naming the file, line, column, value and rule."""

    def __init__(self) -> None:
        self._frames: list[pd.DataFrame] = []

    def file(
        self, file: str, rule: str, message: str, column: str = "", line: int = 0, value: str = ""
    ) -> None:
        """A problem with a whole file (line 0 where no line applies)."""
        self._frames.append(
            pd.DataFrame(
                [
                    {
                        "file": file,
                        "line": line,
                        "column": column,
                        "value": value,
                        "rule": rule,
                        "message": message,
                    }
                ]
            )
        )

    def rows(
        self,
        rows: pd.DataFrame,
        mask: pd.Series,
        column: str,
        rule: str,
        message: str | Callable[[pd.DataFrame], pd.Series],
    ) -> None:
        """A problem in every row of ``rows`` where ``mask`` holds (vectorised)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        hit = rows.loc[mask]
        text = message(hit) if callable(message) else message
        self._frames.append(
            pd.DataFrame(
                {
                    "file": hit["file"],
                    "line": hit["line"],
                    "column": column,
                    "value": hit[column].astype("string") if column in hit else "",
                    "rule": rule,
                    "message": text,
                }
            )
        )

    def extend(self, other: Problems) -> None:
        """Add every problem of ``other``."""
        self._frames.extend(other._frames)

    def files(self) -> set[str]:
        """The files that have a problem."""
        return set(self.report()["file"]) if self else set()

    def __bool__(self) -> bool:
        return bool(self._frames)

    def report(self) -> pd.DataFrame:
        if not self._frames:
            return pd.DataFrame(columns=COLUMNS)
        frame = pd.concat(self._frames, ignore_index=True)[COLUMNS]
        return frame.sort_values(["file", "line", "column", "rule"], kind="stable").reset_index(drop=True)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(self.report())


def span_text(low: pd.Series, high: pd.Series) -> pd.Series:
    """Per row, the range ``low``–``high`` as a problem's message gives it (each value ``:g``)."""
    return low.map("{:g}".format) + "–" + high.map("{:g}".format)


def format_report(report: pd.DataFrame, limit: int = 200) -> str:
    """One line per problem: ``file:line: column 'value': message [rule]``."""
    lines = []
    for row in report.head(limit).itertuples(index=False):
        where = f"{row.file}:{row.line}" if row.line else row.file
        what = (
            f" {row.column} {row.value!r}:"
            if row.column and row.value
            else (f" {row.column}:" if row.column else "")
        )
        lines.append(f"{where}:{what} {row.message} [{row.rule}]")
    if len(report) > limit:
        lines.append(f"… and {len(report) - limit} more (see the full report)")
    return "\n".join(lines)
