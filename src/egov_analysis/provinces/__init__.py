"""Which province a name means: the registry of Vietnam's provincial units and its resolver.

>>> from egov_analysis import provinces
>>> provinces.resolve("TP.HCM").gso_code
'79'
>>> provinces.successor("24").name   # old Bắc Giang became part of the new Bắc Ninh (code 24)
'Bắc Ninh'
"""

from .normalise import fold, key, nfc
from .registry import (
    UNIT_NAME_COLUMNS,
    Province,
    Unit2025,
    UnknownProvinceError,
    alias_table,
    crosswalk,
    display_name,
    display_names,
    members,
    provinces,
    resolve,
    resolve_2025,
    resolve_codes,
    successor,
    suggest,
    table,
    units_2025,
)

__all__ = [
    "UNIT_NAME_COLUMNS",
    "Province",
    "Unit2025",
    "UnknownProvinceError",
    "alias_table",
    "crosswalk",
    "display_name",
    "display_names",
    "fold",
    "key",
    "members",
    "nfc",
    "provinces",
    "resolve",
    "resolve_2025",
    "resolve_codes",
    "successor",
    "suggest",
    "table",
    "units_2025",
]
