"""Report matrices: one ``[[matrix]]`` table of the reports file stands for a report per grid point.

```toml
[[matrix]]
name = "profile_{province_slug}_{lang}"       # every grid key (and fixed parameter) is a field
title_message = "report_title.profile"        # or title = "Profile: {province}"
notebook = "province_profile.ipynb"
set = "sweep"
parameters = { }                              # the same for every report of the matrix
grid = { province = "provinces_63", lang = "languages" }
```

A grid value is a list of plain values or the name of a registry list (:data:`LISTS`): the 63
provinces, the 34 units of 2025, the sub-indicators of an index from ``meta/indicators.csv``, the
catalogue's languages. The grid is expanded as a Cartesian product in the order the keys are
written, values in registry order, so names are stable from one build to the next. Each field
``{key}`` also has ``{key_slug}`` (ASCII, lower case, ``_`` between words: ``Đắk Lắk`` → ``dak_lak``)
and ``{key_upper}``, so names are file-system safe and never depend on diacritics; titles may also
use ``{index_name}`` and ``{indicator_name}``, in the report's language, from the domain tables.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..provinces.normalise import fold

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class MatrixError(ValueError):
    """A matrix cannot be expanded (unknown registry list, bad template); the message says which."""


def slug(value: object) -> str:
    """``value`` as an ASCII file-name part: diacritics folded, lower case, runs of anything else ``_``."""
    return _NOT_SLUG.sub("_", fold(str(value)).lower()).strip("_")


def _provinces_63() -> list[str]:
    from ..provinces import registry

    return [p.name for p in registry.provinces().values() if not p.merged_into]


def _units_34() -> list[str]:
    from ..provinces import registry

    return [u.name for u in registry.units_2025().values()]


def _languages() -> list[str]:
    from ..meta.messages import languages

    return list(languages())


def _indicators(index: str) -> list[str]:
    """Every indicator of ``index`` below its headline (``overall``), once each, in table order."""
    from .. import meta

    table = meta.indicator_definitions()
    rows = table[table["index"].eq(index) & table["indicator"].ne("overall")]
    if rows.empty:
        known = sorted(set(table["index"]))
        raise MatrixError(
            f"no indicators of index {index!r} in meta/indicators.csv; known: {', '.join(known)}"
        )
    return list(dict.fromkeys(rows["indicator"]))


LISTS: dict[str, Callable[[], list[str]]] = {
    "provinces_63": _provinces_63,
    "units_34": _units_34,
    "languages": _languages,
}
INDICATOR_LIST = "indicators:"  # "indicators:pci": every sub-indicator of the PCI


def registry_list(name: str) -> list[str]:
    """The values a registry list name stands for. Raises :class:`MatrixError` naming the known lists."""
    if name.startswith(INDICATOR_LIST):
        return _indicators(name.removeprefix(INDICATOR_LIST))
    if name not in LISTS:
        known = ", ".join([*LISTS, f"{INDICATOR_LIST}<index>"])
        raise MatrixError(f"unknown registry list {name!r}; known: {known}")
    return LISTS[name]()


def grid_values(grid: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Each grid key with its values (registry list names resolved). Raises :class:`MatrixError`."""
    out: dict[str, list[Any]] = {}
    for key, spec in grid.items():
        if isinstance(spec, str):
            out[key] = registry_list(spec)
        elif isinstance(spec, list) and spec:
            out[key] = list(spec)
        else:
            raise MatrixError(
                f"grid key {key!r} must be a non-empty list or a registry list name, not {spec!r}"
            )
    return out


def fields(values: Mapping[str, Any]) -> dict[str, str]:
    """The template fields of one grid point: ``key``, ``key_slug`` and ``key_upper`` per value."""
    out: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            out[key] = str(value)
            out[f"{key}_slug"] = slug(value)
            out[f"{key}_upper"] = str(value).upper()
    return out


def display_fields(parameters: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Names a reader sees, in ``lang``, from the domain tables: ``{index_name}`` for an ``index``
    parameter, ``{indicator_name}`` for an ``indicator`` of that index (absent when unknown) and
    ``{years}`` for ``start_year`` and ``end_year`` (:func:`~egov_analysis.formatting.year_range`)."""
    from .. import meta
    from ..formatting import year_range

    out: dict[str, str] = {}
    index, indicator = parameters.get("index"), parameters.get("indicator")
    info = meta.indices().get(str(index)) if index is not None else None
    if info is not None:
        out["index_name"] = info.name_in(lang)
    start, end = parameters.get("start_year"), parameters.get("end_year")
    if start is not None and end is not None:  # "2017", never "2017–2017"
        out["years"] = year_range(start, end)
    if index is not None and indicator is not None:
        table = meta.indicator_definitions()
        row = table[table["index"].eq(index) & table["indicator"].eq(indicator)]
        if not row.empty:
            out["indicator_name"] = str(row.iloc[0].get(f"name_{lang}") or row.iloc[0]["name_en"])
    return out


def _short(template: str) -> str:
    return repr(template) if len(template) <= 80 else f"{template[:60]!r}… ({len(template)} characters)"


def template_fields(template: str) -> list[str]:
    """The field names a ``str.format`` template uses: plain ``{name}`` fields only. A format spec
    (``{x:>300000000}`` would allocate gigabytes before the name is refused), a conversion
    (``{x!r}``), an attribute or an index (``{x.y}``, ``{x[0]}``) raises :class:`MatrixError`, as
    does a malformed template; nothing is formatted."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:
        raise MatrixError(f"template {_short(template)}: {err}") from None
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            shown = field if len(field) <= 40 else f"{field[:30]}…"
            raise MatrixError(
                f"template {_short(template)}: field {{{shown}}} has a format spec, conversion, attribute "
                "or index; only plain {name} fields are allowed"
            )
        names.append(name)
    return names


def fill(template: str, values: Mapping[str, str], what: str) -> str:
    """``template`` formatted with ``values``; a field it lacks raises :class:`MatrixError`."""
    missing = [f for f in template_fields(template) if f not in values]
    if missing:
        raise MatrixError(
            f"{what} {_short(template)} uses {{{missing[0]}}}, which is no grid key or parameter; "
            f"fields: {', '.join(sorted(values))}"
        )
    return template.format(**values)


def expand(grid: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every grid point as ``{key: value}``, the first key varying slowest."""
    values = grid_values(grid)
    keys: Sequence[str] = list(values)
    return [dict(zip(keys, point, strict=True)) for point in itertools.product(*values.values())]
