"""Figures: a footer with sources and notes on every chart, and saving PNG + SVG + the data as CSV."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .theme import apply_theme, label

CHARACTERS_PER_INCH = 15  # of 7-point footer text


def new_figure(width: float = 10, height: float = 6) -> tuple[Figure, plt.Axes]:
    apply_theme()
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def add_footer(fig: Figure, sources: Iterable[str], notes: Iterable[str] = (), lang: str = "en") -> str:
    """Write the sources and notes under the chart; returns the footer text."""
    lines = [f"{label('sources', lang)}: " + "; ".join(dict.fromkeys(sources))]
    notes = [n for n in dict.fromkeys(notes) if n]
    if notes:
        lines.append(f"{label('notes', lang)}: " + " · ".join(notes))
    width = int(fig.get_figwidth() * CHARACTERS_PER_INCH)
    wrapped = "\n".join(textwrap.fill(line, width) for line in lines)
    n_lines = wrapped.count("\n") + 1
    fig.tight_layout(rect=(0, 0.018 * n_lines + 0.02, 1, 1))
    fig.text(0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=7, color="#444444")
    return wrapped


def save(fig: Figure, data: pd.DataFrame, name: str, out_dir: Path) -> list[Path]:
    """Save ``fig`` as PNG and SVG and ``data`` as CSV in ``out_dir``; close the figure."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.png", out_dir / f"{name}.svg", out_dir / f"{name}.csv"]
    fig.savefig(paths[0], metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    data.to_csv(paths[2], index=False, lineterminator="\n")
    plt.close(fig)
    return paths


def missing_years_note(years_present: Iterable[int], start: int, end: int, lang: str = "en") -> str:
    missing = sorted(set(range(start, end + 1)) - {int(y) for y in years_present})
    if not missing:
        return ""
    text = ", ".join(map(str, missing))
    return f"no data for {text}" if lang == "en" else f"không có dữ liệu năm {text}"
