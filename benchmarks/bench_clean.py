"""Benchmark of the index cleaning on synthetic source-row panels (not part of the test suite).

    python benchmarks/bench_clean.py [--sizes 10000 100000 1000000] [--repeat 3]

Builds panels of the given sizes in the source-row format (real province spellings, real
indicator labels, several sources per key with values printed at different precisions), then
times `build_index_tables` (read, validate, reconcile, derive, conform) and a row-by-row
baseline that does the same checks one row at a time in plain Python. Prints the medians, the
time per million rows (linear growth keeps it flat) and the speed-up over the baseline.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from egov_analysis.clean.indices_pipeline import build_index_tables
from egov_analysis.clean.problems import Problems
from egov_analysis.meta import indicators, source_classes
from egov_analysis.provinces import provinces, resolve

SOURCES = [f"https://example-press-{i}.vn/article" for i in range(78)] + [
    "https://pcivietnam.vn/bang-xep-hang",
    "https://github.com/mdtrinh/vietnamdata/blob/x/PCI.xls",
]


def synthetic_panel(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """``n_rows`` source rows for PCI 2005-2024 with ~25 sources per key."""
    rng = np.random.default_rng(seed)
    spellings = [
        (p.gso_code, s)
        for p in provinces().values()
        if p.merged_into is None
        for s in (p.name, p.name_ascii, p.name_en, p.name.upper())
    ]
    labels = indicators().query("index == 'pci'")
    keys_needed = max(1, -(-n_rows // 25))  # ~25 sources per key where the key space allows
    years = np.arange(2009, 2025)  # 63 provinces ranked each year
    # one label per indicator, so that two labels never name one key
    labels = labels.drop_duplicates("indicator")
    combos = [
        (y, code, lab) for y in years for code in sorted({c for c, _ in spellings}) for lab in labels["label"]
    ][:keys_needed]
    # row j is key j mod K from source j div K: unique (key, source), ~25 sources per key
    key_idx = np.arange(n_rows) % len(combos)
    source_idx = np.arange(n_rows) // len(combos)
    if source_idx.max() >= len(SOURCES):
        raise ValueError(f"{n_rows} rows need more than {len(SOURCES)} sources per key")
    base = rng.uniform(1, 9, len(combos))
    by_code: dict[str, list[str]] = {}
    for code, name in spellings:
        by_code.setdefault(code, []).append(name)
    year = np.array([combos[i][0] for i in key_idx])
    code = [combos[i][1] for i in key_idx]
    province = [by_code[c][j % len(by_code[c])] for j, c in enumerate(code)]
    label = [combos[i][2] for i in key_idx]
    decimals = rng.integers(1, 5, n_rows)
    score = [f"{v:.{d}f}" for v, d in zip(base[key_idx], decimals, strict=True)]
    source = [SOURCES[i % len(SOURCES)] for i in source_idx]
    frame = pd.DataFrame(
        {
            "year": year,
            "province": province,
            "indicator": label,
            "score": score,
            "rank": "",
            "source_url": source,
            "_key": key_idx,
        }
    )
    # one row per (key, source): a source never gives two values for one key
    return frame.drop_duplicates(["_key", "source_url"]).drop(columns="_key")


def row_by_row(frame: pd.DataFrame) -> dict[tuple, float]:
    """The baseline: the same rules applied one row at a time (``iterrows``), as a first
    implementation would: parse, resolve, look up, check ranges, classify the source, and keep
    the best value per key."""
    ranges = {r.label: (r.indicator, r.min, r.max) for r in indicators().query("index == 'pci'").itertuples()}
    classes = source_classes()
    decimal = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
    chosen: dict[tuple, tuple[int, str, float]] = {}
    problems = []
    for line, row in frame.iterrows():
        year = int(row["year"])
        code = resolve(row["province"]).gso_code
        text = str(row["score"]).replace(",", ".")
        if not decimal.fullmatch(text):
            problems.append((line, "not_a_number"))
            continue
        value = float(text)
        indicator, low, high = ranges[row["indicator"]]
        if not low <= value <= high:
            problems.append((line, "out_of_range"))
        precedence = next(
            c.precedence
            for c in classes.itertuples()
            if re.match(c.url_pattern, row["source_url"], re.IGNORECASE)
        )
        key = (year, code, indicator)
        if key not in chosen or (precedence, row["source_url"]) < chosen[key][:2]:
            chosen[key] = (precedence, row["source_url"], value)
    return {k: v[2] for k, v in chosen.items()}


def time_it(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=100_000,
        help="largest size the row-by-row baseline is run on (it is slow)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}, pandas {pd.__version__}"
    )
    print(f"{'rows':>10} {'vectorised s':>13} {'s per 1M rows':>14} {'row-by-row s':>13} {'speed-up':>9}")
    for size in args.sizes:
        frame = synthetic_panel(size)
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp)
            (raw / "pci").mkdir()
            frame.to_csv(raw / "pci" / "synthetic.csv", index=False)

            def run(raw: Path = raw) -> None:
                problems = Problems()
                if build_index_tables(raw, problems) is None:
                    raise SystemExit(problems.report().head().to_string())

            vectorised = time_it(run, args.repeat)
        estimated = size > args.baseline_max
        if not estimated:
            baseline = time_it(lambda f=frame: row_by_row(f), 1)
            baseline_per_row = baseline / len(frame)
        else:  # too slow to run: extrapolated from the largest size that ran (marked ~)
            baseline = baseline_per_row * len(frame)
        per_million = vectorised * 1_000_000 / len(frame)
        speed = f"{'~' if estimated else ''}{baseline / vectorised:.1f}x".rjust(9)
        base = f"{'~' if estimated else ''}{baseline:.2f}".rjust(13)
        print(f"{len(frame):>10,} {vectorised:13.2f} {per_million:14.2f} {base} {speed}")


if __name__ == "__main__":
    main()
