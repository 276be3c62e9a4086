import csv
import subprocess
import sys
import unicodedata

import pandas as pd
import pytest

from egov_analysis import provinces
from egov_analysis.provinces import UnknownProvinceError, key, resolve

# Every real-world spelling the resolver must accept, with the GSO code it means.
SPELLINGS = {
    # prefixes and suffixes, case, English
    "Quảng Ninh": "22",
    "QUẢNG NINH": "22",
    "quang ninh": "22",
    "Tỉnh Quảng Ninh": "22",
    "Quang Ninh province": "22",
    "Quang Ninh Province": "22",
    "tỉnh quảng ninh": "22",
    "Thành phố Hà Nội": "01",
    "TP. Hà Nội": "01",
    "Hanoi": "01",
    "Ha Noi": "01",
    "Hà Nội": "01",
    "Da Nang": "48",
    "Danang": "48",
    "Đà Nẵng": "48",
    "TP. Đà Nẵng": "48",
    "Da Nang City": "48",
    "Haiphong": "31",
    "Hải Phòng": "31",
    "Hai Phong City": "31",
    "Can Tho": "92",
    "Cần Thơ": "92",
    "TP Cần Thơ": "92",
    # Ho Chi Minh City in all its forms
    "Hồ Chí Minh": "79",
    "TP. Hồ Chí Minh": "79",
    "Thành phố Hồ Chí Minh": "79",
    "Ho Chi Minh City": "79",
    "HCMC": "79",
    "TP.HCM": "79",
    "TP HCM": "79",
    "TPHCM": "79",
    "HCM City": "79",
    "HCM": "79",
    "Sài Gòn": "79",
    # Bà Rịa - Vũng Tàu with any dash or none
    "Bà Rịa - Vũng Tàu": "77",
    "Bà Rịa – Vũng Tàu": "77",
    "Bà Rịa—Vũng Tàu": "77",
    "Ba Ria-Vung Tau": "77",
    "Ba Ria – Vung Tau": "77",
    "BRVT": "77",
    "BR-VT": "77",
    "Bà Rịa Vũng Tàu": "77",
    "Vũng Tàu": "77",
    # Thừa Thiên Huế
    "Thừa Thiên Huế": "46",
    "Thừa Thiên - Huế": "46",
    "Thua Thien - Hue": "46",
    "Thua Thien-Hue": "46",
    "TT-Huế": "46",
    "TT Huế": "46",
    "TTH": "46",
    "Huế": "46",
    # old and new tone-mark placement
    "Hoà Bình": "17",
    "Hòa Bình": "17",
    "Thanh Hoá": "38",
    "Thanh Hóa": "38",
    "Khánh Hoà": "56",
    "Khánh Hòa": "56",
    # old spellings and run-together forms
    "Bắc Cạn": "06",
    "Bắc Kạn": "06",
    "Bac Kan": "06",
    "Đắc Lắc": "66",
    "Đắk Lắc": "66",
    "Đắc Lắk": "66",
    "Đăk Lăk": "66",
    "Daklak": "66",
    "Dak Lak": "66",
    "Đắc Nông": "67",
    "Đăk Nông": "67",
    "Kontum": "62",
    "Kon Tum": "62",
    # merged in 2008
    "Hà Tây": "28",
    "Ha Tay": "28",
    # as printed by a Japanese-language news site
    "奠边省 (Dien Bien)": "11",
    "高平省 (Cao Bang)": "04",
    # spacing
    "  Quảng   Ninh  ": "22",
    "Quảng\u00a0Ninh": "22",
}

REFUSED = [
    "Việt Nam",
    "Toàn quốc",
    "Trung bình",
    "Quảng",
    "",
    "   ",
    "Cả nước",
    "Hà",
    "TP.",
    "Thành phố",
    "Paris",
]


@pytest.mark.parametrize(("spelling", "code"), SPELLINGS.items())
def test_every_spelling_resolves(spelling, code):
    assert resolve(spelling).gso_code == code


@pytest.mark.parametrize(("spelling", "code"), SPELLINGS.items())
def test_nfd_input_resolves_like_nfc(spelling, code):
    assert resolve(unicodedata.normalize("NFD", spelling)).gso_code == code


@pytest.mark.parametrize("word", REFUSED)
def test_non_provinces_are_refused(word):
    with pytest.raises(UnknownProvinceError) as info:
        resolve(word)
    assert isinstance(info.value, ValueError)
    assert repr(word) in str(info.value)


def test_refusal_suggests_up_to_three_close_names():
    with pytest.raises(UnknownProvinceError) as info:
        resolve("Quảng")
    suggestions = info.value.suggestions
    assert 1 <= len(suggestions) <= 3
    assert all(s.startswith("Quảng") for s in suggestions)
    assert "did you mean" in str(info.value)


def test_a_misspelling_is_suggested_never_decided():
    with pytest.raises(UnknownProvinceError) as info:
        resolve("Quang Nimh")
    assert "Quảng Ninh" in info.value.suggestions


def test_non_string_is_refused():
    with pytest.raises(UnknownProvinceError):
        resolve(None)  # type: ignore[arg-type]


def test_registry_has_63_provinces_plus_ha_tay():
    registry = provinces.provinces()
    assert len(registry) == 64
    assert registry["28"].name == "Hà Tây" and registry["28"].merged_into == "01"
    assert sum(p.merged_into is None for p in registry.values()) == 63
    assert sum(p.unit_type == "centrally-run city" for p in registry.values()) == 5


def test_fields_of_quang_ninh():
    qn = resolve("Quảng Ninh")
    assert (qn.gso_code, qn.name, qn.name_ascii, qn.name_en) == (
        "22",
        "Quảng Ninh",
        "Quang Ninh",
        "Quang Ninh",
    )
    assert qn.region == "Red River Delta"
    assert qn.successor_2025 == "Quảng Ninh" and qn.code_2025 == "22"


def test_names_are_nfc_and_codes_are_two_digit_strings():
    for p in provinces.provinces().values():
        assert unicodedata.is_normalized("NFC", p.name)
        assert len(p.gso_code) == 2 and p.gso_code.isdigit()
        assert len(p.code_2025) == 2 and p.code_2025.isdigit()
        assert p.name_ascii.isascii() and p.name_en.isascii()


def test_canonical_names_stay_distinct_under_the_key():
    keys = [key(p.name) for p in provinces.provinces().values()]
    assert len(set(keys)) == len(keys)


def test_every_alias_is_used_and_maps_one_province():
    aliases = provinces.alias_table()
    canonical = {key(n) for p in provinces.provinces().values() for n in (p.name, p.name_ascii, p.name_en)}
    seen: dict[str, str] = {}
    for row in aliases:
        k = key(row["alias"])
        # an alias that normalisation already reaches would never be used
        assert k not in canonical, f"alias {row['alias']!r} is redundant"
        assert seen.setdefault(k, row["gso_code"]) == row["gso_code"], f"{row['alias']!r} twice"
        assert row["gso_code"] in provinces.provinces()
        assert resolve(row["alias"]).gso_code == row["gso_code"]
    assert len(seen) == len(aliases)


def test_every_alias_appears_in_the_spelling_tests():
    tested = {key(s) for s in SPELLINGS}
    assert all(key(row["alias"]) in tested for row in provinces.alias_table())


def test_vectorised_resolve_resolves_each_distinct_value_once(monkeypatch):
    names = pd.Series(["Quảng Ninh", "TP.HCM", None, "Quảng Ninh", "Hanoi"] * 1000)
    calls = []
    original = provinces.registry.key

    def counting_key(text):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(provinces.registry, "key", counting_key)
    codes = provinces.resolve_codes(names)
    assert codes.iloc[:5].tolist() == ["22", "79", pd.NA, "22", "01"]
    assert len(calls) == 3
    assert str(codes.dtype) == "string"


def test_vectorised_resolve_names_every_unknown_value():
    with pytest.raises(UnknownProvinceError, match="also unknown: 'Toàn quốc'"):
        provinces.resolve_codes(pd.Series(["Quảng Ninh", "Việt Nam", "Toàn quốc"]))


def test_vectorised_resolve_can_coerce_unknowns():
    codes = provinces.resolve_codes(pd.Series(["Quảng Ninh", "Việt Nam"]), errors="coerce")
    assert codes.tolist() == ["22", pd.NA]


def test_crosswalk_63_to_34_with_11_unchanged():
    cw = provinces.crosswalk()
    assert len(cw) == 63 and cw["gso_code"].is_unique
    assert cw["code_2025"].nunique() == 34
    unchanged = set(cw.loc[cw["unchanged_2025"], "province"])
    assert unchanged == {
        "Hà Nội",
        "Cao Bằng",
        "Điện Biên",
        "Lai Châu",
        "Sơn La",
        "Lạng Sơn",
        "Quảng Ninh",
        "Thanh Hóa",
        "Nghệ An",
        "Hà Tĩnh",
        "Thừa Thiên Huế",
    }


def test_old_and_new_codes_are_never_mixed():
    # the new Bắc Ninh (2025 code 24) is old Bắc Giang's GSO code
    assert provinces.successor("24").name == "Bắc Ninh"
    assert provinces.successor("27").code_2025 == "24"
    assert {p.name for p in provinces.members("24")} == {"Bắc Giang", "Bắc Ninh"}
    assert resolve("Bắc Ninh").gso_code == "27"
    assert provinces.resolve_2025("Bắc Ninh").code_2025 == "24"


def test_crosswalk_back_to_members():
    assert {p.name for p in provinces.members("79")} == {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}
    assert [p.name for p in provinces.members("46")] == ["Thừa Thiên Huế"]
    assert provinces.successor("28").name == "Hà Nội"  # Hà Tây, via Hà Nội
    all_members = [
        p.gso_code for u in provinces.units_2025().values() for p in provinces.members(u.code_2025)
    ]
    assert sorted(all_members) == sorted(provinces.crosswalk()["gso_code"])
    with pytest.raises(KeyError, match="no 2025 unit"):
        provinces.members("02")
    with pytest.raises(KeyError, match="no pre-2025 province"):
        provinces.successor("99")


def test_resolve_2025_refuses_a_merged_away_province():
    assert provinces.resolve_2025("Huế").code_2025 == "46"
    assert provinces.resolve_2025("Thừa Thiên Huế").code_2025 == "46"
    assert provinces.resolve_2025("TP.HCM").code_2025 == "79"
    with pytest.raises(UnknownProvinceError):
        provinces.resolve_2025("Bắc Giang")


def test_table_is_a_frame_of_the_registry():
    frame = provinces.table()
    assert len(frame) == 64 and frame["gso_code"].is_unique
    assert {"gso_code", "name", "name_ascii", "name_en", "unit_type", "region", "successor_2025"} <= set(
        frame.columns
    )


@pytest.mark.reference
def test_registry_agrees_with_the_merger_table(reference_dir):
    with open(reference_dir / "provinces" / "merger_2025.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 63
    for row in rows:
        province = provinces.provinces()[row["old_code_gso"]]
        assert resolve(row["old_province"]).gso_code == row["old_code_gso"]
        assert province.code_2025 == f"{int(row['new_code_2025']):02d}"
        assert key(province.successor_2025) == key(row["new_province"])


@pytest.mark.reference
def test_registry_agrees_with_gso_codes_of_the_research_package(reference_dir):
    with open(reference_dir / "provinces" / "vietnamcode_provinces.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["province_name"] != "NA"]
    assert len(rows) == 64
    for row in rows:
        for spelling in (row["province_name"], row["province_name_full"], row["province_name_diacritics"]):
            assert resolve(spelling).gso_code == f"{int(row['enterprise_census']):02d}", spelling


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egov_analysis", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_cli_resolve_prints_code_name_and_2025_unit():
    result = _cli("provinces", "resolve", "TP.HCM", "Thua Thien - Hue", "Quảng Ninh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "79\tHồ Chí Minh\tHồ Chí Minh",
        "46\tThừa Thiên Huế\tHuế",
        "22\tQuảng Ninh\tQuảng Ninh",
    ]


def test_cli_resolve_exits_1_with_the_message_for_an_unknown_name():
    result = _cli("provinces", "resolve", "Quảng Ninh", "Quảng")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["22\tQuảng Ninh\tQuảng Ninh"]
    assert "unknown province 'Quảng'" in result.stderr and "did you mean" in result.stderr


# --- look-alike letters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("\u00d0à Nẵng", "48"),  # Ð LATIN CAPITAL LETTER ETH
        ("\u0189à Nẵng", "48"),  # Ɖ LATIN CAPITAL LETTER AFRICAN D
        ("\u00d0IỆN BIÊN", "11"),
        ("Lâm \u00d0ồng", "68"),
        ("lâm \u00f0ồng", "68"),  # ð LATIN SMALL LETTER ETH
        ("Bình \u0256ịnh", "52"),  # ɖ LATIN SMALL LETTER D WITH TAIL
    ],
)
def test_every_lookalike_of_d_with_stroke_is_read_as_it(spelling, code):
    assert resolve(spelling).gso_code == code


def test_a_refused_name_shows_the_code_points_that_differ():
    with pytest.raises(UnknownProvinceError) as err:
        resolve("\u00d0à Nẵg")
    message = str(err.value)
    assert "did you mean Đà Nẵng" in message
    assert "U+00D0 LATIN CAPITAL LETTER ETH where 'Đ' U+0110 LATIN CAPITAL LETTER D WITH STROKE" in message


def test_code_point_differences_of_identical_looking_names():
    from egov_analysis.provinces.normalise import code_point_differences

    assert code_point_differences("Đà Nẵng", "Đà Nẵng") == []
    (only,) = code_point_differences("Kho\u00e1 Hoa", "Khoa Hoa")
    assert only == "'á' U+00E1 LATIN SMALL LETTER A WITH ACUTE where 'a' U+0061 LATIN SMALL LETTER A"


def test_clean_names_the_code_points_of_a_refused_name(tmp_path):
    from egov_analysis.clean.problems import Problems
    from egov_analysis.clean.read import read_source_rows
    from egov_analysis.clean.validate import validate

    (tmp_path / "par").mkdir()
    (tmp_path / "par" / "t.csv").write_text(
        "year,province,indicator,score,rank,source_url\n"
        "2020,\u00d0à Nẵng,overall,86.56,6,https://a.vn/x\n"
        "2020,\u00d0à Nẵg,overall,86.07,8,https://a.vn/x\n",
        encoding="utf-8",
    )
    problems = Problems()
    rows = validate(read_source_rows(tmp_path, problems), problems)
    report = problems.report()
    assert list(report["line"]) == [3] and "U+00D0 LATIN CAPITAL LETTER ETH" in report["message"].iloc[0]
    assert rows.loc[rows["line"].eq(2), "province_code"].iloc[0] == "48"
