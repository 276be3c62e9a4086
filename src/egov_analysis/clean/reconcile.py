"""Several sources for one key: choose by written rules, list every disagreement.

Each field (score, rank, tier) is chosen on its own, so a rank printed by the press can stand
beside a score from the publisher's file. Values agree when they are equal at the precision of
the less precise source ("76.82" agrees with 76.81896…). Where values disagree, the rules are
tried in this order and the first that leaves exactly one value decides:

1. a published rank beats a computed one (ranks only); a score that another source printed
   cut off at fewer decimals ("0.8485" as "0.84") is that score;
2. a score consistent with a published move beats one that is not: the next edition's value
   minus its printed change ("90.09, up 1.03 points" → 89.06), or the value's own printed
   change from the previous edition's value;
3. a value from a higher source class beats one from a lower (meta/source_classes.csv:
   publisher's file > publisher's site > government site > press > third-party compilation);
4. otherwise the key is **unresolved**: the value most sources print is shown (none where two
   values are printed equally often), the row is flagged ``unresolved`` and every disagreement
   is listed with the rule "unresolved".

A printed move that implies another value than the chosen one ("0.7804, up 0.2511 since 2020"
against a printed 2020 value of 0.4513) is listed too, with the rule "a printed value beats one
only implied by a printed move". The order of source URLs never decides a value; among sources
that agree it only picks which one is cited. Among sources that agree, a value some source prints
is cited (published, with its source's class) rather than the project's own sum of the parts; the
sum is named in the note as a cross-check (PAPI 2024 Quảng Ninh: the press prints 47.8212).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..meta import classify_sources, package_rows
from .problems import Problems
from .validate import KEY

Record = dict[str, Any]  # one source row as a dict
FIELDS = ("score", "rank", "tier")
RULE_ONLY_ONE = "agree"
RULE_PUBLISHED_RANK = "a published rank beats a computed one"
RULE_CUT_OFF = "the other source printed this value cut off at fewer decimals"
RULE_MOVE = "consistent with a published move"
RULE_CLASS = "a higher source class beats a lower"
CLASS_ORDER = "publisher's file > publisher's site > government site > press > third-party compilation"
RULE_IMPLIED = "a printed value beats one only implied by a printed move"
RULE_UNRESOLVED = "unresolved: no rule decides (the value most sources print is shown, flagged)"
RULE_UNRESOLVED_NONE = "unresolved: no rule decides and no value is printed more often (none shown)"
# each rule's id, by the text its conflict rows start with; reports name the rule from the catalogue
# (``reporting.rule.<id>``), in the reader's language; the processed table keeps both
RULE_IDS = {
    RULE_PUBLISHED_RANK: "published_rank",
    RULE_CUT_OFF: "cut_off_copy",
    RULE_MOVE: "consistent_move",
    RULE_CLASS: "source_class",
    RULE_IMPLIED: "printed_over_implied",
    RULE_UNRESOLVED: "unresolved",
    RULE_UNRESOLVED_NONE: "unresolved_none",
}


def rule_ids(rules: pd.Series) -> pd.Series:
    """The id of each conflict row's rule (``rules``: the ``rule`` column); raises ``ValueError``
    naming a rule text no id is known for (a rule added without one)."""
    known = {**RULE_IDS, RULE_KNOWN_ERROR: "known_error"}

    def one(rule: object) -> str:
        for prefix, rule_id in known.items():
            if isinstance(rule, str) and rule.startswith(prefix):
                return rule_id
        raise ValueError(f"conflict rule without an id in RULE_IDS: {rule!r}")

    return rules.astype(object).map(one).astype("string")


PRECEDENCE_RULE = (
    "a published rank beats a computed one; a value printed cut off is the precise value; "
    "a value consistent with a published move beats one that is not; a higher source class "
    f"beats a lower ({CLASS_ORDER}); otherwise unresolved and flagged"
)
NO_VALUE = "(none shown)"
RELAY_PRECEDENCE = 4  # the press (4) and third parties' compilations (5) relay published values


@dataclass
class _Cluster:
    value: object
    members: list[Record]

    @property
    def best_precedence(self) -> int:
        return min(int(m["source_precedence"]) for m in self.members)

    @property
    def support(self) -> int:
        return len({m["source_url"] for m in self.members})

    def representative(self, field: str) -> Record:
        """The member cited for the cluster: a published rank or a printed score (never the
        project's own sum where a source prints the value), the publisher's or a government's
        value (the strongest class), else — among relays of the publisher's values, the press and
        third parties' compilations — the most precise (a press "3.7" agreeing with a compiled
        3.7099 is that value rounded), then the stronger class; the URL only orders sources that
        agree."""

        def order(m: Record) -> tuple[object, ...]:
            decimals: Any = m.get("score_decimals")  # a number or NA
            precedence = int(m["source_precedence"])
            return (  # a rank some source publishes is published, whoever else computed it
                field == "rank" and m.get("rank_basis") == "computed",
                # and so is a score some source prints (a PAPI total the press prints is the
                # press's value, published, even where the project's sum of the parts agrees)
                field == "score" and not _printed_in_full(m.get("index"), m.get("score_basis"), decimals),
                min(precedence, RELAY_PRECEDENCE),
                -(int(decimals) if field == "score" and pd.notna(decimals) else 0),
                precedence,
                str(m["source_url"]),
            )

        return min(self.members, key=order)


def _records(frame: pd.DataFrame) -> list[Record]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _tolerance(*decimals: Any) -> float:
    known = [int(d) for d in decimals if d is not None and pd.notna(d)]
    return 0.5 * 10.0 ** (-min(known)) + 1e-9 if known else 1e-9


def _same_text(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return unicodedata.normalize("NFC", str(value)).strip()
    return repr(number)


def _agree(field: str, a: Record, b: Record) -> bool:
    """Equal; for scores, equal at the precision of the less precise source (rounded)."""
    if field != "score":  # ranks 8 and 8.0 agree, and so does a tier in NFC and in NFD
        return _same_text(a[field]) == _same_text(b[field])
    return abs(float(a["score"]) - float(b["score"])) <= _tolerance(a["score_decimals"], b["score_decimals"])


def _cut_off(precise: _Cluster, other: _Cluster) -> bool:
    """``other`` prints ``precise``'s value cut off (not rounded) at its own decimals
    ("0.8485" printed as "0.84")."""
    decimals = [int(m["score_decimals"]) for m in other.members if pd.notna(m["score_decimals"])]
    if not decimals:
        return False
    scale = 10.0 ** min(decimals)
    value = float(precise.members[0]["score"])
    return abs(math.floor(value * scale + 1e-6) / scale - float(other.members[0]["score"])) <= 1e-9


def _clusters(field: str, candidates: list[Record]) -> list[_Cluster]:
    """Candidates grouped by agreeing value, the most precise value representing each group."""
    ordered = sorted(
        candidates,
        key=lambda m: (
            -(int(m["score_decimals"]) if pd.notna(m.get("score_decimals")) else 0) if field == "score" else 0
        ),
    )
    clusters: list[_Cluster] = []
    for m in ordered:
        home = next((c for c in clusters if _agree(field, c.members[0], m)), None)
        if home is None:
            clusters.append(_Cluster(m[field], [m]))
        else:
            home.members.append(m)
    return clusters


_MOVE = re.compile(r"\s*(?P<change>[-+]?\d+(?:[.,]\d+)?)(?:\s+since\s+(?P<since>\d{4}))?\s*")


def parse_move(text: Any, year: int) -> tuple[float, int, int] | None:
    """A printed move ``"+1.03"`` (against the previous year) or ``"+0.2511 since 2020"``: the
    change, its decimals and the year it is measured from. None for an empty cell.

    Raises ValueError for text of another form."""
    if text is None or pd.isna(text) or not str(text).strip():
        return None
    match = _MOVE.fullmatch(str(text))
    if not match:
        raise ValueError(f"score_change {text!r} is not a move like '+1.03' or '+0.2511 since 2020'")
    number = match.group("change").replace(",", ".")
    decimals = len(number.partition(".")[2])
    since = int(match.group("since")) if match.group("since") else year - 1
    return float(number), decimals, since


@dataclass(frozen=True)
class _Move:
    implied: float  # the value the move implies for the earlier year
    decimals: int
    url: str
    year: int  # the year printed with the move
    score: float
    change: float
    source_class: str

    def describe(self) -> str:
        return f"{self.year} value {self.score:g} with change {self.change:+g} ({self.url})"


class _Moves:
    """Printed moves ("up 1.03 points") and every candidate score, to test a value against them."""

    def __init__(self, rows: pd.DataFrame) -> None:
        place = ["index", "geography", "province_code", "indicator"]
        self.implied: dict[tuple[object, ...], list[_Move]] = {}
        self.scores: dict[tuple[object, ...], list[tuple[float, object]]] = {}
        if "score_change" not in rows.columns:
            return
        scored = rows[rows["score"].notna()][[*place, "year", "score", "score_decimals"]]
        for t in scored.itertuples(index=False):
            self.scores.setdefault((*t[:4], int(t[4])), []).append((float(t[5]), t[6]))
        moved = rows[rows["score_change"].fillna("").astype(str).str.strip().ne("") & rows["score"].notna()]
        for rec in _records(moved):
            year = int(rec["year"])
            change, change_decimals, since = parse_move(rec["score_change"], year)  # type: ignore[misc]
            decimals = min(int(rec["score_decimals"]), change_decimals)
            move = _Move(
                float(rec["score"]) - change,
                decimals,
                str(rec["source_url"]),
                year,
                float(rec["score"]),
                change,
                str(rec["source_class"]),
            )
            self.implied.setdefault((*[rec[c] for c in place], since), []).append(move)

    def moves_to(self, key: tuple[Any, ...]) -> list[_Move]:
        index, year, geography, code, indicator = key
        return self.implied.get((index, geography, code, indicator, int(year)), [])

    def consistent(self, key: tuple[Any, ...], cluster: _Cluster) -> str | None:
        """Why the cluster's value agrees with a published move (None when it does not)."""
        index, year, geography, code, indicator = key
        for m in cluster.members:
            value = float(m["score"])
            for move in self.moves_to(key):
                if abs(move.implied - value) <= _tolerance(m["score_decimals"], move.decimals):
                    return f"{RULE_MOVE}: {move.describe()}"
            own = parse_move(m.get("score_change"), int(year))
            if own is None:
                continue
            change, change_decimals, since = own
            for previous, previous_decimals in self.scores.get(
                (index, geography, code, indicator, since), []
            ):
                if abs(previous - (value - change)) <= _tolerance(
                    m["score_decimals"], previous_decimals, change_decimals
                ):
                    return (
                        f"{RULE_MOVE}: its own change {change:+g} from the {since} value "
                        f"{previous:g} ({m['source_url']})"
                    )
        return None


def _decide(
    field: str, key: tuple[object, ...], clusters: list[_Cluster], moves: _Moves
) -> tuple[_Cluster | None, str, bool]:
    """The winning cluster (None: nothing shown), the rule, and whether the key is unresolved."""
    if len(clusters) == 1:
        return clusters[0], RULE_ONLY_ONE, False
    if field == "rank":
        published = [c for c in clusters if any(m.get("rank_basis") != "computed" for m in c.members)]
        if len(published) == 1:
            return published[0], RULE_PUBLISHED_RANK, False
        if published:  # the later rules weigh only the published ranks
            clusters = [
                _Cluster(c.value, [m for m in c.members if m.get("rank_basis") != "computed"])
                for c in published
            ]
    if field == "score":
        explains = [c for c in clusters if all(o is c or _cut_off(c, o) for o in clusters)]
        if len(explains) == 1:
            return explains[0], RULE_CUT_OFF, False
        reasons = {id(c): moves.consistent(key, c) for c in clusters}
        fitting = [c for c in clusters if reasons[id(c)]]
        if len(fitting) == 1:
            return fitting[0], str(reasons[id(fitting[0])]), False
    best = min(c.best_precedence for c in clusters)
    strongest = [c for c in clusters if c.best_precedence == best]
    if len(strongest) == 1:
        return strongest[0], f"{RULE_CLASS} ({CLASS_ORDER})", False
    most = max(c.support for c in clusters)
    shown = [c for c in clusters if c.support == most]
    if len(shown) == 1:
        return shown[0], RULE_UNRESOLVED, True
    return None, RULE_UNRESOLVED_NONE, True


def _member_rule(field: str, rule: str, cited: Record | None, other: Record) -> str:
    """The rule that sets ``other`` aside: a computed rank against a published one chosen is
    decided by "a published rank beats a computed one", whatever rule chose among the published
    ranks (DTI 2020 Kiên Giang: the printed 8th beats a press list's order, 9th, by that rule, and
    a compilation's printed 9th by source class)."""
    if (
        field == "rank"
        and cited is not None
        and str(cited.get("rank_basis")) != "computed"  # str: a missing basis is pd.NA
        and str(other.get("rank_basis")) == "computed"
    ):
        return RULE_PUBLISHED_RANK
    return rule


def _contradicting_moves(key: tuple[object, ...], cited: Record, moves: _Moves) -> list[Record]:
    """A printed move that implies another value than the one chosen: listed, never chosen
    (a value printed by a source beats one only implied by another source's move)."""
    rows = []
    for move in moves.moves_to(key):
        if abs(move.implied - float(cited["score"])) <= _tolerance(cited["score_decimals"], move.decimals):
            continue
        rows.append(
            {
                **dict(zip(KEY, key, strict=True)),
                "field": "score",
                "chosen_value": _value_text("score", cited),
                "chosen_source_url": str(cited["source_url"]),
                "chosen_source_class": str(cited["source_class"]),
                "other_value": f"{round(move.implied, move.decimals):.{move.decimals}f}",
                "other_source_url": move.url,
                "other_source_class": move.source_class,
                "rule": f"{RULE_IMPLIED}: {move.describe()}",
            }
        )
    return rows


def _value_text(field: str, m: Record) -> str:
    value = m[field]
    return repr(round(float(value), 10)) if field == "score" else str(value)


def _agreeing_groups(field: str, multi: pd.DataFrame, group_id: Any) -> Any:
    """Per key (``group_id``: each row's key number, in the keys' order), whether all its sources
    agree, exactly as ``_clusters`` would find one cluster: every value agrees with the first one
    (for scores the first of the most decimals, at the precision of the less precise source)."""
    count = int(group_id.max()) + 1 if len(group_id) else 0
    position = np.arange(len(group_id))
    if field == "score":
        decimals = pd.to_numeric(multi["score_decimals"], errors="coerce").astype(float).to_numpy()
        order = np.lexsort((position, -np.nan_to_num(decimals, nan=0.0), group_id))
    else:
        order = np.lexsort((position, group_id))
    first = order[np.r_[True, group_id[order][1:] != group_id[order][:-1]]] if count else order
    reference = first[group_id]  # per row, the row its value is compared with
    if field == "score":
        score = multi["score"].astype(float).to_numpy()
        less_precise = np.fmin(decimals, decimals[reference])
        tolerances = {d: _tolerance(None if math.isnan(d) else d) for d in set(less_precise.tolist())}
        tolerance = np.array([tolerances[d] for d in less_precise.tolist()], dtype=float)
        agree = np.abs(score[reference] - score) <= tolerance
    else:
        text = np.array([_same_text(v) for v in multi[field].tolist()], dtype=object)
        agree = text == text[reference]
    return np.bincount(group_id, weights=~agree, minlength=count) == 0


def _representatives(field: str, multi: pd.DataFrame, group_id: Any, agreed: Any) -> Any:
    """The position (in ``multi``) of the source cited for each agreeing key, in the keys' order:
    the member ``_Cluster.representative`` picks."""
    missing: list[Any] = [None] * len(multi)
    basis: list[Any] = multi["rank_basis"].tolist() if "rank_basis" in multi.columns else missing
    score_basis: list[Any] = multi["score_basis"].tolist() if "score_basis" in multi.columns else missing
    index: list[Any] = multi["index"].tolist() if "index" in multi.columns else missing
    decimals: list[Any] = multi["score_decimals"].tolist() if "score_decimals" in multi.columns else missing
    precedence = multi["source_precedence"].tolist()
    url = multi["source_url"].tolist()
    ordered = sorted(
        (
            int(gid),
            field == "rank" and str(basis[i]) == "computed",
            field == "score" and not _printed_in_full(index[i], score_basis[i], decimals[i]),
            min(int(precedence[i]), RELAY_PRECEDENCE),
            -(int(decimals[i]) if field == "score" and pd.notna(decimals[i]) else 0),
            int(precedence[i]),
            str(url[i]),
            i,
        )
        for i, gid in enumerate(group_id.tolist())
        if agreed[gid]
    )
    chosen: dict[int, int] = {}
    for entry in ordered:
        chosen.setdefault(entry[0], entry[-1])
    return np.array(list(chosen.values()), dtype=int)


@cache
def _publisher_decimals() -> dict[str, int]:
    """Decimals each publisher prints its scores with, by index (``meta/score_precision.csv``)."""
    return {r["index"]: int(r["decimals"]) for r in package_rows("score_precision.csv")}


def _printed_in_full(index: Any, basis: Any, decimals: Any) -> bool:
    """Whether a score is one a source prints at (at least) the publisher's precision: cited
    before the project's own sum that agrees with it. A copy printed coarser ("3.7" for PAPI's
    3.7099, printed with two decimals) is that value rounded: the precise sum is kept."""
    if str(basis) == "computed":
        return False
    wanted = _publisher_decimals().get(str(index))
    return wanted is None or (pd.notna(decimals) and int(decimals) >= wanted)


AGREEING_SUM_NOTE = "the project's sum of the published parts agrees ({value}): a cross-check, not the source"


def _with_agreeing_sum(
    picked: pd.DataFrame, picked_groups: Any, multi: pd.DataFrame, group_id: Any
) -> pd.DataFrame:
    """``picked`` (one printed score per agreeing key) with its note naming the project's own sum
    of the parts where one agrees: the printed value is the one published, the sum a cross-check.
    The sum, unrounded, stays in ``score_precise``: a rank computed from a complete list of scores
    orders them by it (a press "7.39" must not tie or swap with a 7.3912 of the same list)."""
    if "score_basis" not in multi.columns or "note" not in picked.columns:
        return picked
    is_sum = multi["score_basis"].eq("computed").fillna(False).to_numpy()
    sums = dict(zip(group_id[is_sum].tolist(), multi["score"].to_numpy()[is_sum].tolist(), strict=True))
    printed = picked["score_basis"].ne("computed").fillna(True).to_numpy()
    notes = picked["note"].astype(object).tolist()
    precise: list[float] = [math.nan] * len(notes)
    for i, (gid, own) in enumerate(zip(picked_groups.tolist(), printed.tolist(), strict=True)):
        if own and gid in sums:
            precise[i] = float(sums[gid])
            remark = AGREEING_SUM_NOTE.format(value=f"{precise[i]:.4f}")
            notes[i] = f"{notes[i]}; {remark}" if isinstance(notes[i], str) and notes[i] else remark
    return picked.assign(
        note=pd.Series(notes, index=picked.index, dtype="string"),
        score_precise=pd.Series(precise, index=picked.index, dtype="Float64"),
    )


def _rep_with_agreeing_sum(rep: Record, members: list[Record]) -> Record:
    """The cited score of a key the rules decided, as :func:`_with_agreeing_sum` gives an agreeing
    key's: a printed score with the project's own agreeing sum named in its note and kept,
    unrounded, in ``score_precise``."""
    sums = [m["score"] for m in members if str(m.get("score_basis")) == "computed"]
    if str(rep.get("score_basis")) == "computed" or not sums or "note" not in rep:
        return rep
    remark = AGREEING_SUM_NOTE.format(value=f"{float(sums[0]):.4f}")
    note = rep["note"]
    return {
        **rep,
        "note": f"{note}; {remark}" if isinstance(note, str) and note else remark,
        "score_precise": float(sums[0]),
    }


def choose(rows: pd.DataFrame, field: str, moves: _Moves) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen value of ``field`` per key (with ``unresolved``), and one conflict row per
    disagreeing source."""
    extra = {"score": ["note", "score_basis"], "rank": ["rank_basis", "note"], "tier": []}[field]
    columns = [*KEY, field, "score_decimals", "source_url", "source_class", "source_precedence", *extra]
    if field == "score":
        columns.append("score_change")
    columns += ["file", "line"]  # where the chosen value was read, for checks across rows
    present = rows.loc[rows[field].notna(), [c for c in dict.fromkeys(columns) if c in rows.columns]]
    size = present.groupby(KEY, dropna=False)[field].transform("size")
    single = present[size.eq(1)]
    chosen_parts = [single.assign(unresolved=False)]
    single_conflicts: list[Record] = []
    if field == "score" and moves.implied:
        targets = set(moves.implied)
        place = ["index", "geography", "province_code", "indicator", "year"]
        hit = [t in targets for t in single[place].itertuples(index=False, name=None)]
        for rec in _records(single[hit]):
            single_conflicts += _contradicting_moves(tuple(rec[k] for k in KEY), rec, moves)
    multi = present[size.gt(1)]
    group_id = multi.groupby(KEY, sort=False, dropna=False).ngroup().to_numpy()
    agreed = _agreeing_groups(field, multi, group_id)
    by_group: dict[int, list[Record]] = {}  # conflict rows per key, listed in the keys' order
    if agreed.any():  # all sources agree: one cluster, the rule "agree", no disagreement
        reps = _representatives(field, multi, group_id, agreed)
        picked = multi.iloc[reps].assign(unresolved=False)
        if field == "score":
            picked = _with_agreeing_sum(picked, group_id[reps], multi, group_id)
        chosen_parts.append(picked)
        if field == "score" and moves.implied:
            for gid, rec in zip(group_id[reps].tolist(), _records(multi.iloc[reps]), strict=True):
                key = tuple(rec[k] for k in KEY)
                if moves.moves_to(key):
                    by_group[gid] = _contradicting_moves(key, rec, moves)
    disagreeing = ~agreed[group_id]
    disagreeing_ids = sorted(set(group_id[disagreeing].tolist()))
    groups = multi[disagreeing].groupby(KEY, sort=False, dropna=False)
    for gid, (key, group) in zip(disagreeing_ids, groups, strict=True):
        conflict_rows = by_group.setdefault(gid, [])
        candidates = _records(group)
        clusters = _clusters(field, candidates)
        winner, rule, unresolved = _decide(field, key, clusters, moves)
        if winner is not None:
            rep = winner.representative(field)
            if field == "score":
                rep = _rep_with_agreeing_sum(rep, winner.members)
            chosen_parts.append(pd.DataFrame([{**rep, "unresolved": unresolved}]))
        else:
            blank = {**candidates[0], field: pd.NA, "unresolved": True}
            chosen_parts.append(pd.DataFrame([blank]))
        cited = winner.representative(field) if winner is not None else None
        if field == "score" and cited is not None:
            conflict_rows += _contradicting_moves(key, cited, moves)
        for cluster in clusters:
            if cluster is winner:
                continue
            for m in cluster.members:
                if cited is not None and _agree(field, cited, m):
                    continue  # a cluster rebuilt by a rule can hold the winner's own sources
                conflict_rows.append(
                    {
                        **dict(zip(KEY, key, strict=True)),
                        "field": field,
                        "chosen_value": _value_text(field, cited) if cited else NO_VALUE,
                        "chosen_source_url": str(cited["source_url"]) if cited else NO_VALUE,
                        "chosen_source_class": str(cited["source_class"]) if cited else NO_VALUE,
                        "other_value": _value_text(field, m),
                        "other_source_url": str(m["source_url"]),
                        "other_source_class": str(m["source_class"]),
                        "rule": _member_rule(field, rule, cited, m),
                    }
                )
    conflict_rows = single_conflicts + [r for gid in sorted(by_group) for r in by_group[gid]]
    chosen = pd.concat(chosen_parts, ignore_index=True)
    if field == "score":
        chosen["score"] = chosen["score"].astype("Float64")
        if "score_basis" in rows.columns and "note" in rows.columns:  # as _with_agreeing_sum gives it
            chosen["score_precise"] = chosen.get("score_precise", pd.Series(pd.NA, index=chosen.index))
            chosen["score_precise"] = chosen["score_precise"].astype("Float64")
    elif field == "rank":
        chosen["rank"] = chosen["rank"].astype("Int64")
    conflicts = pd.DataFrame(
        conflict_rows,
        columns=[
            *KEY,
            "field",
            "chosen_value",
            "chosen_source_url",
            "chosen_source_class",
            "other_value",
            "other_source_url",
            "other_source_class",
            "rule",
        ],
    )
    return chosen, conflicts


def with_source_classes(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with ``source_class`` and ``source_precedence`` (1 = strongest)."""
    if "source_class" in rows.columns:
        return rows
    return pd.concat([rows, classify_sources(rows["source_url"])], axis=1)


def reconcile(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per key with the chosen score, rank and tier (and ``unresolved``); and the
    conflicts between sources."""
    rows = with_source_classes(rows)
    if "score_basis" not in rows.columns:
        rows = rows.assign(score_basis="published")
    if "file" not in rows.columns:  # rows built in memory, not read from a file
        rows = rows.assign(file="", line=0)
    moves = _Moves(rows)
    scores, score_conflicts = choose(rows, "score", moves)
    ranks, rank_conflicts = choose(rows, "rank", moves)
    tiers, tier_conflicts = choose(rows, "tier", moves)
    if "note" not in ranks.columns:  # rows built in memory without notes
        ranks = ranks.assign(note=pd.NA)
    if "note" not in scores.columns:
        scores = scores.assign(note=pd.NA)
    keys = rows[[*KEY, "province_name"]].drop_duplicates(KEY)
    panel = (
        keys.merge(
            scores[
                [
                    *KEY,
                    "score",
                    "score_decimals",
                    "score_basis",
                    "source_url",
                    "note",
                    "unresolved",
                    "file",
                    "line",
                    *(["score_precise"] if "score_precise" in scores.columns else []),
                ]
            ].rename(columns={"file": "score_file", "line": "score_line"}),
            on=KEY,
            how="left",
        )
        .merge(
            ranks[[*KEY, "rank", "rank_basis", "source_url", "unresolved", "file", "line", "note"]].rename(
                columns={
                    "note": "_rank_note",
                    "source_url": "rank_source_url",
                    "unresolved": "_rank_unresolved",
                    "file": "rank_file",
                    "line": "rank_line",
                }
            ),
            on=KEY,
            how="left",
        )
        .merge(
            tiers[[*KEY, "tier", "unresolved"]].rename(columns={"unresolved": "_tier_unresolved"}),
            on=KEY,
            how="left",
        )
    )
    flags = panel[["unresolved", "_rank_unresolved", "_tier_unresolved"]].astype("boolean").fillna(False)
    panel["unresolved"] = flags.any(axis=1).astype(bool)
    panel = panel.drop(columns=["_rank_unresolved", "_tier_unresolved"])
    panel.loc[panel["score"].isna(), "score_basis"] = pd.NA
    panel["source_url"] = panel["source_url"].fillna(panel["rank_source_url"])
    panel["note"] = _note_names_the_rank_source(panel)
    # a unit with a rank but no score: the note of the rank's source ("list order: …")
    panel["note"] = panel["note"].where(panel["score"].notna(), panel["_rank_note"])
    panel = panel.drop(columns="_rank_note")
    conflicts = pd.concat([score_conflicts, rank_conflicts, tier_conflicts], ignore_index=True)
    return panel, conflicts


_COMPUTED_RANK_NOTE = re.compile(r"^rank computed|list order|rank derived|=>", re.IGNORECASE)


def _note_names_the_rank_source(panel: pd.DataFrame) -> pd.Series:
    """The note of the score's source, saying where a published rank comes from when another
    source prints it and the score's note speaks of a rank read or computed (so that no note
    contradicts the rank's basis)."""
    note = panel["note"].astype("string")
    other = panel["rank_source_url"].notna() & panel["rank_source_url"].ne(panel["source_url"])
    speaks = note.fillna("").str.contains(_COMPUTED_RANK_NOTE)
    fix = other & panel["rank_basis"].eq("published").fillna(False) & speaks
    return note.where(~fix, note + "; the rank is printed by " + panel["rank_source_url"].astype("string"))


KNOWN_ERRORS_FILE = "errata/known_source_errors.csv"
RULE_KNOWN_ERROR = "refused: a known source error"


def known_source_errors(raw_dir: Path, panel: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Conflict rows for the values listed in ``data/raw/errata/known_source_errors*.csv`` (values a
    source prints that cannot be true, such as rank 65 of 64): each beside the value kept, with
    the reason. A listed value whose key the panel does not have is a problem (file and line)."""
    columns = [*KEY, "field", "chosen_value", "chosen_source_url", "chosen_source_class"]
    columns += ["other_value", "other_source_url", "other_source_class", "rule"]
    files = sorted((raw_dir / "errata").glob("known_source_errors*.csv"))
    if not files:
        return pd.DataFrame(columns=columns)
    from ..provinces import resolve_codes
    from .read import read_raw_table

    listed = pd.concat([read_raw_table(raw_dir, f"errata/{f.name}") for f in files], ignore_index=True)
    listed["province_code"] = resolve_codes(listed["province"].astype("string"), errors="coerce")
    listed["geography"] = "provinces_63"
    listed["year"] = pd.to_numeric(listed["year"], errors="coerce").astype("Int64")
    kept = panel.rename(columns={"rank_source_url": "_rank_url"})
    merged = listed.merge(kept, on=KEY, how="left", suffixes=("", "_kept"), indicator=True)
    problems.rows(
        merged,
        merged["_merge"].ne("both"),
        "province",
        "known_error_without_value",
        "a known source error whose province, year and indicator have no value in the panel",
    )
    merged = merged[merged["_merge"].eq("both")]
    rows = []
    for rec in _records(merged):
        field = rec["field"]
        chosen_url = rec["_rank_url"] if field == "rank" else rec["source_url_kept"]
        classes = classify_sources(pd.Series([str(chosen_url), rec["source_url"]]))["source_class"]
        rows.append(
            {
                **{k: rec[k] for k in KEY},
                "field": field,
                "chosen_value": str(rec[f"{field}_kept"] if f"{field}_kept" in rec else rec[field]),
                "chosen_source_url": str(chosen_url),
                "chosen_source_class": str(classes.iloc[0]),
                "other_value": rec["value"],
                "other_source_url": rec["source_url"],
                "other_source_class": str(classes.iloc[1]),
                "rule": f"{RULE_KNOWN_ERROR}: {rec['reason']}",
            }
        )
    return pd.DataFrame(rows, columns=columns)
