"""One definition per column of every processed table: type, unit, description, allowed values.

The output validation (a pandera schema per table) and `docs/data_dictionary.md` are both
generated from here, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import meta
from .formatting import year_range


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
    # the allowed values come from a domain table (meta.vocabulary): read when checked, so a
    # new index or geography is a row in meta/, not a change here
    vocabulary: str = ""
    # the bounds come from a domain table (meta.bounds), e.g. the indices' years and scales
    bounds: str = ""
    # raw formats only: the column may be left out of a file; its cells must match ``pattern``;
    # ``check="url"`` — an http(s) URL with a real host, not refused (meta.url_problem)
    optional: bool = False
    pattern: str = ""
    check: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values (from the domain tables where ``vocabulary`` names one)."""
        return meta.vocabulary(self.vocabulary) if self.vocabulary else self.allowed

    @property
    def low(self) -> float | None:
        """The smallest allowed value (from the domain tables where ``bounds`` names them)."""
        return meta.bounds(self.bounds)[0] if self.bounds else self.minimum

    @property
    def high(self) -> float | None:
        return meta.bounds(self.bounds)[1] if self.bounds else self.maximum


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
    "Short name of the index (meta/indices.csv: pci, papi, par, sipas, ict, dti, egov_mic).",
    nullable=False,
    vocabulary="index",
)
_YEAR = Field(
    "year",
    "Int64",
    "Edition year of the index (the year surveyed, as the publisher names it).",
    nullable=False,
    bounds="edition_year",
)
_GEOGRAPHY = Field(
    "geography",
    "string",
    "Which units the value is for: the provinces before July 2025 (63, with Hà Tây "
    "until 2008) or the 34 units of 2025 (meta/geographies.csv).",
    nullable=False,
    vocabulary="geography",
)
_CODE = Field(
    "province_code",
    "string",
    "GSO two-digit code of the province (geography provinces_63) or the 2025 unit code "
    "(geography units_34); the two code lists are never mixed.",
    nullable=False,
)
_SOURCE_CLASS = Field(
    "source_class",
    "string",
    "Class of the source in source_url (meta/source_classes.csv, strongest first): publisher_file "
    "(the publisher's own data file or a byte-for-byte mirror of it), publisher_site, "
    "provincial_government, press, third_party_compilation (a research repository or dataset "
    "hub compiling published values: never the publisher's file).",
    nullable=False,
    vocabulary="source_class",
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
            "PAR/SIPAS 0–100, ICT/DTI/e-gov 0–1 (meta/indices.csv, meta/indicators.csv)",
            bounds="score",
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
        Field(
            "n_ranked",
            "Int64",
            "How many units the publisher ranked that year; empty where no source gives it.",
            minimum=1,
        ),
        Field("tier", "string", "Tier label as published (PCI: Rất tốt, Tốt, Khá, …)."),
        Field(
            "source_url",
            "string",
            "URL of the published source of the score (else of the rank).",
            nullable=False,
        ),
        _SOURCE_CLASS,
        Field("rank_source_url", "string", "URL of the published source of the rank."),
        Field("note", "string", "What the source says about the value, or how it was derived."),
        Field(
            "unresolved",
            "boolean",
            "True where sources disagree on the score, rank or tier and no written rule decides "
            "(see index_conflicts): the value shown is the one most sources print, or none; "
            "charts mark it.",
            nullable=False,
        ),
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
        Field(
            "rule_id",
            "string",
            "The id of the rule that chose (reports name it in their language).",
            nullable=False,
            allowed=(
                "published_rank",
                "cut_off_copy",
                "consistent_move",
                "source_class",
                "printed_over_implied",
                "unresolved",
                "unresolved_none",
                "known_error",
            ),
        ),
        Field(
            "rule", "string", "The precedence rule that chose, with its details (English).", nullable=False
        ),
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
        Field("n_held", "Int64", "Units with a score or a rank.", nullable=False, minimum=0),
        Field("n_ranked", "Int64", "Units the publisher ranked.", minimum=1),
        Field(
            "score_share_pct",
            "Float64",
            "n_score as a share of n_ranked.",
            unit="percent",
            minimum=0,
            maximum=100,
        ),
        Field(
            "status",
            "string",
            "complete: a score for every ranked unit; ranks_only: every ranked unit published, not "
            "every one with a score; partial: part of the list (meta/coverage.py).",
            nullable=False,
            allowed=("complete", "ranks_only", "partial"),
        ),
    ),
)

INDEX_JUMPS = Table(
    "index_jumps",
    "For review, not refused: a province's change between consecutive editions more than 4 "
    "usual spreads from the index's median change (usual spread: 1.4826 × the median absolute "
    "deviation of all its year-on-year changes). No change across a series break "
    "(meta/series_breaks.csv: PAPI's overall score across its 2018 redesign, PCI across its 2017 "
    "revision) is compared.",
    key=("index", "geography", "province_code", "indicator", "year"),
    fields=(
        _INDEX,
        _GEOGRAPHY,
        _CODE,
        _PROVINCE,
        _INDICATOR,
        _YEAR,
        Field("previous_year", "Int64", "The previous edition with a score.", nullable=False),
        Field("score", "Float64", "The score of this edition.", nullable=False),
        Field("previous_score", "Float64", "The score of the previous edition.", nullable=False),
        Field("change", "Float64", "score − previous_score, in the index's points.", nullable=False),
        Field(
            "usual_spread",
            "Float64",
            "Robust standard deviation of the indicator's year-on-year changes (1.4826 × MAD).",
            nullable=False,
            minimum=0,
        ),
    ),
)

_SOURCE = Field("source_url", "string", "URL of the published source.", nullable=False)
_QUOTE = Field("quote_vi", "string", "The short Vietnamese quote that holds the number.")
_PHASE = Field(
    "phase_id",
    "string",
    "The programme phase (see the phases table); empty where the fact belongs to no phase.",
)
_PRINTED = Field("value_as_printed", "string", "The value exactly as the source printed it.", nullable=False)
_QUALIFIER = Field(
    "qualifier",
    "string",
    "A qualifier printed with the number (>, <, ~, …): the value is a bound or an approximation.",
    allowed=(">", ">=", "<", "<=", "~"),
)
_YEAR_START = Field("year_start", "Int64", "First year the value refers to.")
_YEAR_END = Field("year_end", "Int64", "Last year the value refers to.")

_TITLE = Field("source_title", "string", "Title of the source article, where the source row records it.")
_DATE = Field("source_date", "string", "Publication date of the source (YYYY-MM-DD), where recorded.")

PHASES = Table(
    "phases",
    "The phases and stages of Quảng Ninh's e-government programme, one row per stage and source, "
    "with the period exactly as that source states it; stages overlap, and where two sources "
    "state different periods both rows stay (listed in programme_conflicts).",
    key=("phase_id", "stated_as", "source_url"),
    fields=(
        Field("phase_id", "string", "Short id of the stage.", nullable=False),
        Field(
            "kind",
            "string",
            "plan, scheme (a decided programme), implementation (a span the scheme was carried "
            "out), stage, task (a priority task with its own period), draft.",
            nullable=False,
            allowed=("plan", "scheme", "implementation", "stage", "task", "draft"),
        ),
        Field(
            "in_programme",
            "boolean",
            "Whether the stage belongs to the e-government programme begun in 2012 (false: an "
            "earlier IT plan, a draft); only these decide before / during / after.",
            nullable=False,
        ),
        Field("name_vi", "string", "Name in Vietnamese.", nullable=False),
        Field("name_en", "string", "Name in English.", nullable=False),
        Field("start_year", "Int64", "First year, as the source states it.", nullable=False),
        Field("end_year", "Int64", "Last year as the source states it; empty where it states none."),
        Field(
            "known_until",
            "Int64",
            "For a stage without a stated end: the year of the source that speaks of it as under way.",
        ),
        Field("stated_as", "string", "The period or date exactly as the source printed it.", nullable=False),
        Field(
            "compare_group",
            "string",
            "Stages that sources may state differently (their periods are compared).",
            nullable=False,
        ),
        Field("legal_basis", "string", "Decision or resolution that set the stage up."),
        Field("legal_basis_source_url", "string", "Source of the legal basis."),
        _SOURCE,
        _SOURCE_CLASS,
        _TITLE,
        _DATE,
        _QUOTE,
    ),
)

BUDGET = Table(
    "budget",
    "Budgets of the programme per phase and item, in whole VND (one value per item; "
    "disagreeing sources are in programme_conflicts).",
    key=("phase_id", "item"),
    fields=(
        Field("phase_id", "string", "The programme phase.", nullable=False),
        Field("item", "string", "What the amount is for.", nullable=False),
        Field(
            "level",
            "string",
            "total: the whole of an item; tranche: a yearly part of a total.",
            nullable=False,
            allowed=("total", "tranche"),
        ),
        Field(
            "basis",
            "string",
            "Whether the amount is planned, approved or spent.",
            nullable=False,
            allowed=("planned", "approved", "spent"),
        ),
        _YEAR_START,
        _YEAR_END,
        Field(
            "price_year",
            "Int64",
            "The year whose prices the amount is in (a yearly tranche: "
            "its year; a total: the year it was stated, the first year of a multi-year plan).",
            nullable=False,
        ),
        Field("amount_vnd", "Int64", "The amount in whole VND.", unit="VND", nullable=False, minimum=0),
        _QUALIFIER,
        _PRINTED,
        Field("metric", "string", "What the source says the amount is.", nullable=False),
        Field("n_projects", "Int64", "Projects the source counts for this amount.", minimum=0),
        Field("n_tasks", "Int64", "Tasks the source counts for this amount.", minimum=0),
        Field(
            "n_projects_or_tasks",
            "Int64",
            "Projects and tasks counted together by the source (\u201c7 dự án, nhiệm vụ\u201d).",
            minimum=0,
        ),
        _SOURCE,
        _SOURCE_CLASS,
        _TITLE,
        _DATE,
        _QUOTE,
        Field("note", "string", "Remarks on the item."),
    ),
)

GOALS = Table(
    "goals",
    "Goals and targets of the programme's phases, with what was achieved where a source says so.",
    key=("phase_id", "goal"),
    fields=(
        _PHASE,
        Field("goal", "string", "Short id of the goal.", nullable=False),
        Field("metric", "string", "The goal as the source states it.", nullable=False),
        Field("target", "Float64", "The target value."),
        Field("achieved", "Float64", "The value achieved, where a source gives it."),
        Field("unit", "string", "Unit of target and achieved."),
        _QUALIFIER,
        Field(
            "status",
            "string",
            "met, exceeded, not met, or unknown (no achieved value published).",
            nullable=False,
            allowed=("met", "exceeded", "not met", "unknown"),
        ),
        _YEAR_START,
        _YEAR_END,
        _PRINTED,
        _SOURCE,
        _SOURCE_CLASS,
        _TITLE,
        _DATE,
        _QUOTE,
    ),
)

MILESTONES = Table(
    "milestones",
    "Every other sourced fact of the programme (infrastructure, online services, "
    "public administration centres, document exchange, rankings…), parsed.",
    key=("fact_line",),
    fields=(
        Field("fact_line", "Int64", "Line of the fact in data/raw/programme/facts.csv.", nullable=False),
        Field("topic", "string", "Topic of the fact.", nullable=False),
        _PHASE,
        _YEAR_START,
        _YEAR_END,
        Field("metric", "string", "What the value measures.", nullable=False),
        _PRINTED,
        Field(
            "value",
            "Float64",
            "The number (for a share: the count; for a ratio: the numerator; for a sum: the total).",
        ),
        Field("unit", "string", "Unit as printed beside the value."),
        _QUALIFIER,
        Field("amount_vnd", "Int64", "Amounts in whole VND.", unit="VND"),
        Field("share_pct", "Float64", "A share printed beside a count (1552 (89.9%)).", unit="percent"),
        Field("denominator", "Float64", "The denominator of a ratio (1397/1725)."),
        Field("low", "Float64", "Lower end of a range (40-60)."),
        Field("high", "Float64", "Upper end of a range."),
        Field("kind", "string", "What the printed value is.", nullable=False, vocabulary="value_kind"),
        Field("parse_note", "string", "Why a value was refused as ambiguous or unreadable."),
        _SOURCE,
        _SOURCE_CLASS,
        _TITLE,
        _DATE,
        _QUOTE,
    ),
)

PROGRAMME_CONFLICTS = Table(
    "programme_conflicts",
    "Disagreements between sources on the programme, budgets and CPI, with the value chosen and the rule.",
    key=("table", "key", "other_source_url", "other_value"),
    fields=(
        Field("table", "string", "The table the value belongs to.", nullable=False),
        Field("key", "string", "The item the sources disagree on.", nullable=False),
        Field("chosen_value", "string", "The value kept.", nullable=False),
        Field("chosen_source_url", "string", "Its source.", nullable=False),
        Field("other_value", "string", "The other value.", nullable=False),
        Field("other_source_url", "string", "The other source.", nullable=False),
        Field(
            "chosen_source_class",
            "string",
            "Class of the chosen value's source (meta/source_classes.csv).",
            nullable=False,
            vocabulary="source_class",
        ),
        Field(
            "other_source_class",
            "string",
            "Class of the other source.",
            nullable=False,
            vocabulary="source_class",
        ),
        Field("rule", "string", "The rule that chose.", nullable=False),
    ),
)

PROVINCIAL_BUDGET = Table(
    "provincial_budget",
    "Planned and final provincial budgets (Ministry of Finance), one row "
    "per province, year, dataset and measure.",
    key=("province_code", "year", "dataset", "measure"),
    fields=(
        Field("province_code", "string", "GSO code of the province.", nullable=False),
        Field("province", "string", "Canonical Vietnamese name.", nullable=False),
        Field("year", "Int64", "Budget year.", nullable=False, minimum=2006, maximum=2017),
        Field(
            "dataset",
            "string",
            "plan (issued at the start of the year) or final (realised).",
            nullable=False,
            allowed=("plan", "final"),
        ),
        Field(
            "measure",
            "string",
            "Budget measure.",
            nullable=False,
            allowed=(
                "total_revenue",
                "total_expenditure",
                "balance_transfer",
                "targeted_transfer",
                "project_transfer",
                "net_transfer",
                "revenue_retention_ratio",
            ),
        ),
        Field("amount_vnd", "Int64", "Amount in whole VND (money measures).", unit="VND"),
        Field(
            "share_pct",
            "Float64",
            "Share of revenue the province keeps (revenue_retention_ratio).",
            unit="percent",
        ),
        Field("usable", "boolean", "False where the source value is known to be wrong.", nullable=False),
        Field("flag", "string", "Series breaks, source errors and identifications."),
        _PRINTED,
        _SOURCE,
        _SOURCE_CLASS,
    ),
)

PROVINCIAL_BUDGET_UNASSIGNED = Table(
    "provincial_budget_unassigned",
    "Final-budget rows whose province the source leaves blank "
    "and that cannot be identified (kept visible, with the candidates).",
    key=("dataset", "source_row", "measure"),
    fields=(
        Field("dataset", "string", "plan or final.", nullable=False),
        Field(
            "source_row",
            "Int64",
            "Row of the Ministry of Finance table as compiled (the measures of one row belong together).",
            nullable=False,
        ),
        Field("year", "Int64", "Budget year.", nullable=False),
        Field("measure", "string", "Budget measure.", nullable=False),
        Field("amount_vnd", "Int64", "Amount in whole VND.", unit="VND"),
        Field("candidates", "string", "The provinces the row may belong to.", nullable=False),
        Field("flag", "string", "Why the row is not assigned.", nullable=False),
        _PRINTED,
        _SOURCE,
        _SOURCE_CLASS,
    ),
)

CPI = Table(
    "cpi",
    "Annual average consumer price change and the chained price level derived from it.",
    key=("year",),
    fields=(
        Field("year", "Int64", "Year.", nullable=False),
        Field(
            "cpi_avg_change_pct",
            "Float64",
            "Annual average CPI change on the year before.",
            unit="percent",
            nullable=False,
        ),
        Field("price_level", "Float64", "Derived: chained price level, first year = 100.", unit="index"),
        Field("source_org", "string", "Who published the figure.", nullable=False),
        _SOURCE,
        _SOURCE_CLASS,
        Field("note", "string", "Remarks of the source."),
    ),
)

LOST_VALUES = Table(
    "lost_values",
    "Values the sources held in ../shared/reference give but this project does not publish, "
    "because the only page citing them is refused (a mirror, a spam or unrelated site, a bare "
    "IP address, another province's portal): the loss kept visible, with the reason.",
    key=("reference_file", "source_url", "province", "item", "year", "value"),
    fields=(
        Field("reference_file", "string", "The reference file the value was read from.", nullable=False),
        Field("year", "string", "Year as printed; may be empty.", nullable=False),
        Field("province", "string", "The province as printed.", nullable=False),
        Field("item", "string", "The indicator or metric as printed.", nullable=False),
        Field("value", "string", "The value(s) as printed.", nullable=False),
        Field("source_url", "string", "The refused source.", nullable=False),
        Field("reason", "string", "Why the source is refused.", nullable=False),
        Field(
            "quote",
            "string",
            "The source's own words holding the value (Vietnamese), where the reference file gives "
            "them; may be empty.",
            nullable=False,
        ),
    ),
)

OUTLINES = Table(
    "outlines",
    "Province outlines for the maps (simplified; only drawn, no number comes from them), one row "
    "per geography and unit.",
    key=("geography", "province_code"),
    fields=(
        _GEOGRAPHY,
        _CODE,
        Field("name", "string", "The unit's name as the outline file gives it.", nullable=False),
        Field("geometry", "string", "GeoJSON geometry (Polygon or MultiPolygon), as text.", nullable=False),
        Field("source_url", "string", "Where the outlines come from.", nullable=False),
        Field("note", "string", "What the outlines are (and are not)."),
    ),
)

# ---- raw formats: what `clean` reads from data/raw (one checked reader for all of them) ----
#
# In a raw format, ``nullable`` says whether a cell may be empty and ``optional`` whether the
# column may be left out of a file; every other column is required, and a column not listed
# here is refused.

_RAW_URL = Field(
    "source_url",
    "string",
    "URL of the published source (http or https, a real host).",
    nullable=False,
    check="url",
)
_RAW_YEAR = Field("year", "string", "Year, four digits.", nullable=False, pattern=r"\d{4}")
_RAW_NOTE = Field("note", "string", "Remarks.", optional=True)
_RAW_TITLE = Field("source_title", "string", "Title of the source article, where recorded.", optional=True)
_RAW_DATE = Field(
    "source_date",
    "string",
    "Publication date of the source, where recorded.",
    optional=True,
    pattern=r"\d{4}-\d{2}-\d{2}",
)

SOURCE_ROWS = Table(
    "source_rows",
    "Raw index values (data/raw/<index>/*.csv, the index as in meta/indices.csv), one row per "
    "value per source, as the source printed it.",
    key=("year", "geography", "province", "indicator", "source_url"),
    fields=(
        Field("year", "string", "Edition year, four digits.", nullable=False),
        Field("province", "string", "The province as the source printed it (any spelling).", nullable=False),
        Field(
            "indicator",
            "string",
            "The indicator as the source names it; mapped by meta/indicator_labels.csv.",
            nullable=False,
        ),
        Field("score", "string", "The score as printed (decimal point or comma); may be empty."),
        Field("rank", "string", "The rank as printed, a whole number; may be empty."),
        Field(
            "source_url",
            "string",
            "URL of the published source (http or https, a real host).",
            nullable=False,
            check="url",
        ),
        Field(
            "geography",
            "string",
            "provinces_63 (the default, also for an empty cell) or units_34 (the 34 units of 2025).",
            optional=True,
            vocabulary="geography",
        ),
        Field(
            "rank_basis",
            "string",
            "published (default) or computed.",
            optional=True,
            allowed=("published", "computed"),
        ),
        Field("tier", "string", "Tier label as printed.", optional=True),
        Field("note", "string", "The quote or remark that explains the value.", optional=True),
        Field(
            "score_change",
            "string",
            "A move the source prints with the score: '+1.03' against the previous year ('up "
            "1.03 points'), '+0.2511 since 2020' against an earlier edition; it decides between "
            "disagreeing values of that year, and a value it contradicts is listed.",
            optional=True,
        ),
    ),
)

RAW_FACTS = Table(
    "raw_programme_facts",
    "data/raw/programme/facts.csv: every sourced fact of Quảng Ninh's programme, value as printed.",
    key=(),
    fields=(
        Field("topic", "string", "Topic of the fact.", nullable=False),
        Field("phase", "string", "The phase as the source names it (meta/programme_phases.csv)."),
        Field(
            "year",
            "string",
            "Year or span (2017, 2018-2020); may be empty.",
            pattern=r"\d{4}(\s*[-–]\s*\d{4})?",
        ),
        Field("metric", "string", "What the value is (meta/programme_items.csv).", nullable=False),
        Field("value", "string", "The value exactly as printed.", nullable=False),
        Field("unit", "string", "Unit as printed ('text': a statement in words, not a number)."),
        _RAW_URL,
        Field("quote_vi", "string", "The Vietnamese quote that holds the number.", nullable=False),
        _RAW_NOTE,
        _RAW_TITLE,
        _RAW_DATE,
    ),
)

RAW_PHASES = Table(
    "raw_programme_phases",
    "data/raw/programme/phases.csv: the programme's stages, one row per stage and source, with the "
    "period as that source states it.",
    key=("phase_id", "stated_as", "source_url"),
    fields=(
        Field("phase_id", "string", "Short id of the stage.", nullable=False, pattern=r"[a-z0-9_]+"),
        Field(
            "kind",
            "string",
            "plan, scheme, implementation, stage, task or draft.",
            nullable=False,
            allowed=("plan", "scheme", "implementation", "stage", "task", "draft"),
        ),
        Field("in_programme", "string", "yes or no.", nullable=False, allowed=("yes", "no")),
        Field("name_vi", "string", "Name in Vietnamese.", nullable=False),
        Field("name_en", "string", "Name in English.", nullable=False),
        Field(
            "start_year", "string", "First year as the source states it.", nullable=False, pattern=r"\d{4}"
        ),
        Field("end_year", "string", "Last year as the source states it; empty where none.", pattern=r"\d{4}"),
        Field(
            "known_until",
            "string",
            "For an open end: the year of the source that speaks of the stage as under way.",
            pattern=r"\d{4}",
        ),
        Field("stated_as", "string", "The period or date as the source printed it.", nullable=False),
        Field("compare_group", "string", "Stages whose stated periods are compared.", nullable=False),
        Field("legal_basis", "string", "Decision or resolution that set the stage up."),
        Field(
            "legal_basis_source_url",
            "string",
            "Source of the legal basis (http or https, a real host); may be empty.",
            check="url",
        ),
        _RAW_URL,
        _RAW_TITLE,
        _RAW_DATE,
        Field("quote_vi", "string", "The Vietnamese quote that states it.", nullable=False),
    ),
)

RAW_BUDGET = Table(
    "raw_provincial_budget",
    "data/raw/budget/provincial_budget_{plan,final}.csv: Ministry of Finance budgets as printed.",
    key=("source_row", "measure"),
    fields=(
        Field("source_row", "string", "Row of the compiled source table.", nullable=False, pattern=r"\d+"),
        _RAW_YEAR,
        Field("province", "string", "The province as printed (blank where the source leaves it blank)."),
        Field("measure", "string", "The source's measure code (total.rev, ratio, …).", nullable=False),
        Field("value", "string", "The value as printed (million VND or percent).", nullable=False),
        Field(
            "unit", "string", "million VND or percent.", nullable=False, allowed=("million VND", "percent")
        ),
        _RAW_URL,
        _RAW_NOTE,
    ),
)

RAW_CPI = Table(
    "raw_cpi",
    "data/raw/cpi/cpi_annual.csv: annual average CPI change, one row per year and source.",
    key=("year", "source_url"),
    fields=(
        _RAW_YEAR,
        Field("cpi_avg_change_pct", "string", "Annual average change, percent.", nullable=False),
        _RAW_URL,
        Field("source_org", "string", "Who published the figure.", nullable=False),
        _RAW_NOTE,
    ),
)

# raw folder → {file name (or "*.csv" for every CSV) → its format}; the index folders
RAW_KNOWN_ERRORS = Table(
    "raw_known_source_errors",
    "data/raw/errata/known_source_errors*.csv: values a source prints that cannot be true (a rank "
    "beyond the units ranked); never a candidate value, each listed in index_conflicts with its "
    "reason beside the value kept.",
    key=("index", "year", "province", "indicator", "field", "source_url"),
    fields=(
        Field("index", "string", "The index (meta/indices.csv).", nullable=False, vocabulary="index"),
        _RAW_YEAR,
        Field("province", "string", "The province as the source printed it.", nullable=False),
        Field("indicator", "string", "The indicator (as the index's source rows name it).", nullable=False),
        Field("field", "string", "Which value is wrong.", nullable=False, allowed=("score", "rank", "tier")),
        Field("value", "string", "The value as printed.", nullable=False),
        _RAW_URL,
        Field("reason", "string", "Why the value cannot be true.", nullable=False),
    ),
)

RAW_LEFT_OUT = Table(
    "raw_left_out",
    "data/raw/errata/left_out_<importer>.csv: values an importer did not write because their "
    "source is refused (a mirror, a bare IP address, another province's portal), kept visible.",
    key=(),
    fields=(
        Field("reference_file", "string", "The reference file the value was read from.", nullable=False),
        Field("year", "string", "Year as printed; may be empty."),
        Field("province", "string", "The province as printed.", nullable=False),
        Field("item", "string", "The indicator or metric as printed.", nullable=False),
        Field("value", "string", "The value(s) as printed (score, rank or value)."),
        Field("source_url", "string", "The refused source, as cited.", nullable=False),
        Field("reason", "string", "Why the source is refused.", nullable=False),
        Field(
            "quote",
            "string",
            "The source's own words holding the value (Vietnamese), where the reference file gives them.",
            optional=True,
        ),
    ),
)

# (one per row of meta/indices.csv) all hold source rows
INDEX_FOLDER_FORMAT = SOURCE_ROWS
RAW_FOLDERS: dict[str, dict[str, Table | None]] = {
    "programme": {"facts.csv": RAW_FACTS, "phases.csv": RAW_PHASES},
    "budget": {"provincial_budget_plan.csv": RAW_BUDGET, "provincial_budget_final.csv": RAW_BUDGET},
    "cpi": {"cpi_annual.csv": RAW_CPI},
    "errata": {
        "known_source_errors.csv": RAW_KNOWN_ERRORS,
        "known_source_errors_press.csv": RAW_KNOWN_ERRORS,
        **{
            f"left_out_{name}.csv": RAW_LEFT_OUT
            for name in ("compiled", "compiled_pci", "press_tables", "programme", "cpi")
        },
    },
    "geo": {"provinces_63.geojson": None, "units_34.geojson": None},  # GeoJSON, read by clean
}
RAW_TABLES = (SOURCE_ROWS, RAW_FACTS, RAW_PHASES, RAW_BUDGET, RAW_CPI, RAW_KNOWN_ERRORS, RAW_LEFT_OUT)

SOURCE_ROW_REQUIRED = tuple(f.name for f in SOURCE_ROWS.fields if not f.optional)
SOURCE_ROW_OPTIONAL = tuple(f.name for f in SOURCE_ROWS.fields if f.optional)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        INDICES,
        INDEX_CONFLICTS,
        COVERAGE,
        INDEX_JUMPS,
        PHASES,
        BUDGET,
        GOALS,
        MILESTONES,
        PROGRAMME_CONFLICTS,
        PROVINCIAL_BUDGET,
        PROVINCIAL_BUDGET_UNASSIGNED,
        CPI,
        LOST_VALUES,
        OUTLINES,
    )
}


def schema(table: Table):  # -> pandera.DataFrameSchema (imported lazily: pandera is slow to import)
    """A pandera schema for ``table``, generated from its fields; the key must be unique."""
    import pandera.pandas as pa

    columns = {}
    for f in table.fields:
        checks = []
        if f.choices:
            checks.append(pa.Check.isin(list(f.choices)))
        if f.low is not None:
            checks.append(pa.Check.ge(f.low))
        if f.high is not None:
            checks.append(pa.Check.le(f.high))
        columns[f.name] = pa.Column(f.dtype, checks=checks, nullable=f.nullable)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=list(table.key), name=table.name)


def _allowed_text(f: Field) -> str:
    if f.choices:
        return ", ".join(f.choices)
    if f.pattern:
        return f"`{f.pattern}`"
    if f.check == "url":
        return "http(s) URL, real host"
    return (
        f"{'' if f.low is None else f'≥ {f.low:g}'}"
        f"{' and ' if f.low is not None and f.high is not None else ''}"
        f"{'' if f.high is None else f'≤ {f.high:g}'}"
    )


def _table_section(table: Table, raw: bool) -> list[str]:
    lines = [f"### `{table.name}`" if raw else f"## `{table.name}`", "", table.description, ""]
    if table.key and not raw:
        lines += [f"Unique key: {', '.join(f'`{k}`' for k in table.key)}.", ""]
    lines += ["| column | type | unit | allowed | description |", "|---|---|---|---|---|"]
    for f in table.fields:
        null = "" if f.nullable else " Never empty."
        left_out = " May be left out of a file." if f.optional else ""
        lines.append(
            f"| `{f.name}` | {f.dtype} | {f.unit} | {_allowed_text(f)} | {f.description}{null}{left_out} |"
        )
    return [*lines, ""]


def data_dictionary() -> str:
    """`docs/data_dictionary.md`, generated from the field registry and the domain tables."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `src/egov_analysis/fields.py` and `src/egov_analysis/meta/` by "
        "`egov-analysis dictionary`; do not edit by hand.",
        "",
    ]
    for table in TABLES.values():
        lines += _table_section(table, raw=False)
    lines += [
        "## Raw formats (`data/raw/`)",
        "",
        "Every raw file is read by one checked reader against its format: a required column missing, "
        "a column not listed, a column twice, a row with too many or too few fields, an empty cell "
        "where one is not allowed or a value outside the allowed ones is reported with the file, "
        "its physical line, the column, the value and the rule.",
        "",
    ]
    for table in RAW_TABLES:
        lines += _table_section(table, raw=True)
    lines += [
        "## Indices (`meta/indices.csv`, `meta/index_editions.csv`)",
        "",
        "| index | name | tên | publisher | years | scale |",
        "|---|---|---|---|---|---|",
    ]
    for info in meta.indices().values():
        years = sorted(info.years)
        span = year_range(years[0], years[-1]) + (
            f" ({len(years)} editions)" if len(years) != years[-1] - years[0] + 1 else ""
        )
        lines.append(
            f"| `{info.index}` | {info.name} | {info.name_in('vi')} | {info.publisher} | {span} "
            f"| {info.scale_min:g}–{info.scale_max:g} ({info.direction.replace('_', ' ')}) |"
        )
    lines += ["", "Series breaks (`meta/series_breaks.csv`):", ""]
    for row in meta.series_breaks().itertuples(index=False):
        lines.append(f"- `{row.index}` {row.year}, `{row.indicator}`: {row.note_en}")
    lines += [
        "",
        "## Indicators (`meta/indicators.csv`)",
        "",
        "One id per concept; the labels each publisher printed over the years are mapped to it in "
        "`meta/indicator_labels.csv`.",
        "",
        "| index | indicator | level | parent | range | name | tên | labels as printed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    labels = meta.indicators().groupby(["index", "indicator"])["label"].agg(lambda s: ", ".join(s))
    for r in meta.indicator_definitions().itertuples(index=False):
        printed = labels.get((r.index, r.indicator), "")
        lines.append(
            f"| `{r.index}` | `{r.indicator}` | {r.level} | {r.parent} | {r.min:g}–{r.max:g} "
            f"| {r.name_en} | {r.name_vi} | {printed} |"
        )
    return "\n".join([*lines, ""])
