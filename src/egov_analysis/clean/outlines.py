"""The map outlines (data/raw/geo/*.geojson, written by ``egov-analysis import geo``) as the
processed ``outlines`` table, so that maps read them through ``load("outlines")``."""

from __future__ import annotations

import json

import pandas as pd

from ..fields import OUTLINES
from ..provinces import provinces, units_2025
from .problems import Problems
from .read import RawFile, _open, decode

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def read_outlines(files: list[RawFile], problems: Problems) -> pd.DataFrame | None:
    """One row per geography and unit (geometry as GeoJSON text); None where no outline file
    exists (an index-only raw folder). Every problem goes to ``problems``."""
    outline_files = [f for f in files if f.name.startswith("geo/")]
    if not outline_files:
        return None
    known = {"provinces_63": set(provinces()), "units_34": set(units_2025())}
    rows = []
    for raw in outline_files:
        geography = raw.path.stem
        data = _open(raw.path, raw.name, problems)
        text = None if data is None else decode(data, raw.name, problems)
        if text is None:
            continue
        try:
            features = json.loads(text)["features"]
        except json.JSONDecodeError as err:
            problems.file(raw.name, "not_json", f"not GeoJSON: {err.msg}", line=err.lineno)
            continue
        except (KeyError, TypeError):
            problems.file(raw.name, "not_geojson", "not a GeoJSON FeatureCollection", line=1)
            continue
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            code = str(props.get("code", ""))
            if code not in known.get(geography, set()) or geometry.get("type") not in GEOMETRY_TYPES:
                problems.file(
                    raw.name,
                    "bad_outline",
                    f"feature {number}: code {code!r} is not a unit of {geography}, or its geometry "
                    f"is not a {' or '.join(GEOMETRY_TYPES)}",
                    column="code",
                    value=code,
                )
                continue
            rows.append(
                {
                    "geography": geography,
                    "province_code": code,
                    "name": props.get("name", ""),
                    "geometry": json.dumps(geometry, separators=(",", ":")),
                    "source_url": props.get("source_url", ""),
                    "note": props.get("note") or pd.NA,
                }
            )
    return pd.DataFrame(rows, columns=OUTLINES.columns)
