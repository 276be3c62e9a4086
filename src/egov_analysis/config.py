"""Every path the project uses, derived from the package location — never from the working directory.

Each path can be overridden by an environment variable (useful for CI and scheduled jobs) and, in the
CLI, by an option; the option wins over the variable, which wins over the default.

| path        | default                        | variable              |
|-------------|--------------------------------|-----------------------|
| root        | the checkout holding `src/`    | EGOV_ROOT             |
| raw         | <root>/data/raw                | EGOV_RAW_DIR          |
| processed   | <root>/data/processed          | EGOV_PROCESSED_DIR    |
| figures     | <root>/figures                 | EGOV_FIGURES_DIR      |
| reports     | <root>/reports                 | EGOV_REPORTS_DIR      |
| notebooks   | <root>/notebooks               | EGOV_NOTEBOOKS_DIR    |
| reference   | <root>/../shared/reference     | EGOV_REFERENCE_DIR    |

An installed package that is not a checkout (``pip install egov-analysis``, not ``-e``) has no
``data/raw``: its processed tables are the ones shipped inside it (``egov_analysis/bundled``, present
in wheels built by ``make wheel``) unless EGOV_PROCESSED_DIR names a folder;
:func:`egov_analysis.datasets.load` says so in one line when there are none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

ENV_VARS = {
    "root": "EGOV_ROOT",
    "raw": "EGOV_RAW_DIR",
    "processed": "EGOV_PROCESSED_DIR",
    "figures": "EGOV_FIGURES_DIR",
    "reports": "EGOV_REPORTS_DIR",
    "notebooks": "EGOV_NOTEBOOKS_DIR",
    "reference": "EGOV_REFERENCE_DIR",
}
# set by the build in a report's kernel: datasets.load() notes there each processed table it reads
READS_VARIABLE = "EGOV_READS_FILE"


# processed tables shipped inside a wheel (`make wheel`); absent from a checkout
BUNDLED_DIR = PACKAGE_DIR / "bundled"


def _default_root() -> Path:
    # src layout: <root>/src/egov_analysis/config.py. An editable install keeps this true.
    return PACKAGE_DIR.parents[1]


def is_checkout(root: Path) -> bool:
    """True when ``root`` is a checkout of the project (its ``pyproject.toml`` beside
    ``src/egov_analysis``), as with an editable install; False in site-packages."""
    return (root / "pyproject.toml").is_file() and (root / "src" / "egov_analysis").is_dir()


def has_raw(raw: Path) -> bool:
    """True when ``raw`` is a folder holding at least one file (hidden ones aside)."""
    return raw.is_dir() and any(not p.name.startswith(".") for p in raw.rglob("*") if p.is_file())


def _default_processed(root: Path, raw: Path) -> Path:
    # the shipped tables only where there is nothing to clean: never write into site-packages
    if not is_checkout(root) and (BUNDLED_DIR / "manifest.json").is_file() and not has_raw(raw):
        return BUNDLED_DIR
    return root / "data" / "processed"


@dataclass(frozen=True)
class Paths:
    """The project's directories. Build one with :func:`paths`."""

    root: Path
    raw: Path
    processed: Path
    figures: Path
    reports: Path
    notebooks: Path
    reference: Path

    def with_overrides(self, **overrides: str | Path | None) -> Paths:
        """Return a copy with the given paths replaced (``None`` values are ignored)."""
        given = {k: Path(v).expanduser().resolve() for k, v in overrides.items() if v is not None}
        unknown = set(given) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown path name(s): {', '.join(sorted(unknown))}")
        return replace(self, **given)

    def as_dict(self) -> dict[str, Path]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def paths(**overrides: str | Path | None) -> Paths:
    """The project's paths: defaults from the package location, then environment, then ``overrides``.

    Read afresh on every call so that a changed environment (a test, a CLI option) takes effect.
    """

    def env(name: str) -> Path | None:
        value = os.environ.get(ENV_VARS[name])
        return Path(value).expanduser().resolve() if value else None

    root = env("root") or _default_root()
    raw = env("raw") or root / "data" / "raw"
    base = Paths(
        root=root,
        raw=raw,
        processed=env("processed") or _default_processed(root, raw),
        figures=env("figures") or root / "figures",
        reports=env("reports") or root / "reports",
        notebooks=env("notebooks") or root / "notebooks",
        reference=env("reference") or (root.parent / "shared" / "reference").resolve(),
    )
    return base.with_overrides(**overrides)


# A raw file larger than this is refused with its size rather than read into memory (the
# largest real raw file is under 2 MB); EGOV_MAX_RAW_FILE_BYTES overrides it.
MAX_RAW_FILE_BYTES = 64 * 1024 * 1024
MAX_RAW_FILE_VARIABLE = "EGOV_MAX_RAW_FILE_BYTES"


def max_raw_file_bytes() -> int:
    """The size limit of one raw file, in bytes."""
    value = os.environ.get(MAX_RAW_FILE_VARIABLE, "")
    return int(value) if value.strip().isdigit() else MAX_RAW_FILE_BYTES
