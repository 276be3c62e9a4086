"""Importer of province outlines into the project's own simplified geometry (data/raw/geo/).

The outlines (63 provinces; 34 units dissolved from them by the 2025 merger table — not an
official 2025 boundary file) are simplified for small maps and keyed by the project's codes.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..provinces import resolve, resolve_2025

SOURCE_URL = (
    "https://github.com/phamductu/vietnamese-provincial-icons/blob/"
    "8eb9ac1c0bec06cbc4e3311dfc430da8a67375cd/data/diaphantinh.json"
)
NOTE_63 = (
    "Open Development Mekong 'Địa phận tỉnh' via an MIT-licensed repository (data licence "
    "not verified); simplified by egov-analysis"
)
NOTE_34 = (
    "the 63 outlines dissolved by the 2025 merger table (Resolution 202/2025/QH15); not an "
    "official 2025 boundary file; simplified by egov-analysis"
)
TOLERANCE_DEGREES = 0.01
DECIMALS = 3


def _simplify(geometry: dict) -> dict:
    from shapely.geometry import mapping, shape

    simplified = shape(geometry).simplify(TOLERANCE_DEGREES, preserve_topology=True)
    rounded = json.loads(json.dumps(mapping(simplified)), parse_float=lambda s: round(float(s), DECIMALS))
    return rounded


def _collection(features: list[dict]) -> str:
    return (
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )
        + "\n"
    )


def import_outlines(reference: Path, raw_dir: Path) -> dict[str, int]:
    geo = reference / "geo"
    out = raw_dir / "geo"
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, key, resolver, note in (
        ("provinces_63", "province", lambda n: resolve(n).gso_code, NOTE_63),
        ("units_34", "province", lambda n: resolve_2025(n).code_2025, NOTE_34),
    ):
        source = "vn_provinces_63.geojson" if name == "provinces_63" else "vn_provinces_34_dissolved.geojson"
        data = json.loads((geo / source).read_text(encoding="utf-8"))
        features = sorted(
            (
                {
                    "type": "Feature",
                    "properties": {
                        "code": resolver(f["properties"][key]),
                        "name": f["properties"][key],
                        "source_url": SOURCE_URL,
                        "note": note,
                    },
                    "geometry": _simplify(f["geometry"]),
                }
                for f in data["features"]
            ),
            key=lambda f: str(f["properties"]["code"]),  # type: ignore[index]  # a dict literal above
        )
        (out / f"{name}.geojson").write_text(_collection(features), encoding="utf-8")
        written[f"geo/{name}.geojson"] = len(features)
    return written
