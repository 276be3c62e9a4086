"""One definition per column of every processed table: type, unit, description, allowed values.

The output validation (a pandera schema per table) and `docs/data_dictionary.md` are both
generated from here, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # pandas dtype of the column
    description: str
    unit: str = ""
    nullable: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


_INDEX = Field(
    "index",
    "string",
    "Short name of the index (pci, papi, par, sipas, ict, dti, egov_mic).",
    nullable=False,
    allowed=("pci", "papi", "par", "sipas", "ict", "dti", "egov_mic"),
)
_YEAR = Field(
    "year",
    "Int64",
    "Edition year of the index (the year surveyed, as the publisher names it).",
    nullable=False,
    minimum=2005,
    maximum=2030,
)
_GEOGRAPHY = Field(
    "geography",
    "string",
    "Which units the value is for: the provinces before July 2025 (63, with Hà Tây "
    "until 2008) or the 34 units of 2025.",
    nullable=False,
    allowed=("provinces_63", "units_34"),
)
_CODE = Field(
    "province_code",
    "string",
    "GSO two-digit code of the province (geography provinces_63) or the 2025 unit code "
    "(geography units_34); the two code lists are never mixed.",
    nullable=False,
)
_PROVINCE = Field("province", "string", "Canonical Vietnamese name (NFC, with diacritics).", nullable=False)
_INDICATOR = Field(
    "indicator", "string", "snake_case English indicator; 'overall' is the headline score.", nullable=False
)

INDICES = Table(
    "indices",
    "Every published value of the provincial indices, one row per index, year, geography, "
    "province and indicator, with the source it came from.",
    key=("index", "year", "geography", "province_code", "indicator"),
    fields=(
        _INDEX,
        _YEAR,
        _GEOGRAPHY,
        _CODE,
        _PROVINCE,
        _INDICATOR,
        Field(
            "score",
            "Float64",
            "The score as published (or derived, see score_basis).",
            unit="index points: PCI 0–100 (sub-indices 0–10), PAPI 0–80 (dimensions 0–10), "
            "PAR/SIPAS 0–100, ICT/DTI/e-gov 0–1",
            minimum=0,
            maximum=100,
        ),
        Field(
            "score_basis",
            "string",
            "published: printed by a source; computed: derived by "
            "this project (PAPI dimension and overall sums).",
            allowed=("published", "computed"),
        ),
        Field("rank", "Int64", "Rank among the units ranked that year (1 = best).", minimum=1),
        Field(
            "rank_basis",
            "string",
            "published: printed by a source; computed: derived from "
            "list order, a printed move, or a complete list of scores.",
            allowed=("published", "computed"),
        ),
        Field("n_ranked", "Int64", "How many units the publisher ranked that year.", minimum=1),
        Field("tier", "string", "Tier label as published (PCI: Rất tốt, Tốt, Khá, …)."),
        Field(
            "source_url",
            "string",
            "URL of the published source of the score (else of the rank).",
            nullable=False,
        ),
        Field("rank_source_url", "string", "URL of the published source of the rank."),
        Field("note", "string", "What the source says about the value, or how it was derived."),
    ),
)

INDEX_CONFLICTS = Table(
    "index_conflicts",
    "Every disagreement between two sources for one value, with the value chosen and the rule.",
    key=("index", "year", "geography", "province_code", "indicator", "field", "other_source_url"),
    fields=(
        _INDEX,
        _YEAR,
        _GEOGRAPHY,
        _CODE,
        _INDICATOR,
        Field("field", "string", "Which field disagrees.", nullable=False, allowed=("score", "rank", "tier")),
        Field("chosen_value", "string", "The value kept in the indices table.", nullable=False),
        Field("chosen_source_url", "string", "Source of the chosen value.", nullable=False),
        Field("chosen_source_class", "string", "Class of that source (precedence order).", nullable=False),
        Field("other_value", "string", "The value the other source gives.", nullable=False),
        Field("other_source_url", "string", "The other source.", nullable=False),
        Field("other_source_class", "string", "Class of the other source.", nullable=False),
        Field("rule", "string", "The precedence rule that chose.", nullable=False),
    ),
)

COVERAGE = Table(
    "coverage",
    "Per index, year, geography and indicator: units with a score and with a rank, against the "
    "number the publisher ranked.",
    key=("index", "year", "geography", "indicator"),
    fields=(
        _INDEX,
        _YEAR,
        _GEOGRAPHY,
        _INDICATOR,
        Field("n_score", "Int64", "Units with a score.", nullable=False, minimum=0),
        Field("n_rank", "Int64", "Units with a rank.", nullable=False, minimum=0),
        Field("n_ranked", "Int64", "Units the publisher ranked.", minimum=1),
        Field(
            "score_share_pct",
            "Float64",
            "n_score as a share of n_ranked.",
            unit="percent",
            minimum=0,
            maximum=100,
        ),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (INDICES, INDEX_CONFLICTS, COVERAGE)}


def schema(table: Table):  # -> pandera.DataFrameSchema (imported lazily: pandera is slow to import)
    """A pandera schema for ``table``, generated from its fields; the key must be unique."""
    import pandera.pandas as pa

    columns = {}
    for f in table.fields:
        checks = []
        if f.allowed:
            checks.append(pa.Check.isin(list(f.allowed)))
        if f.minimum is not None:
            checks.append(pa.Check.ge(f.minimum))
        if f.maximum is not None:
            checks.append(pa.Check.le(f.maximum))
        columns[f.name] = pa.Column(f.dtype, checks=checks, nullable=f.nullable)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=list(table.key), name=table.name)


def data_dictionary() -> str:
    """`docs/data_dictionary.md`, generated from the field registry."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `src/egov_analysis/fields.py` by `egov-analysis dictionary`; do not edit by hand.",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## `{table.name}`",
            "",
            table.description,
            "",
            f"Unique key: {', '.join(f'`{k}`' for k in table.key)}.",
            "",
            "| column | type | unit | allowed | description |",
            "|---|---|---|---|---|",
        ]
        for f in table.fields:
            allowed = (
                ", ".join(f.allowed)
                if f.allowed
                else (
                    f"{'' if f.minimum is None else f'≥ {f.minimum:g}'}"
                    f"{' and ' if f.minimum is not None and f.maximum is not None else ''}"
                    f"{'' if f.maximum is None else f'≤ {f.maximum:g}'}"
                )
            )
            null = "" if f.nullable else " Never empty."
            lines.append(f"| `{f.name}` | {f.dtype} | {f.unit} | {allowed} | {f.description}{null} |")
        lines.append("")
    return "\n".join(lines)
