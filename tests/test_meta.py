"""The domain tables of src/egov_analysis/meta/: what they say, that they agree with each other,
that the field registry takes its allowed values from them, and that no layer reaches back."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pandas as pd
import pytest

from egov_analysis import fields, meta

SRC = Path(meta.__file__).resolve().parents[1]


@pytest.fixture
def meta_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the domain tables, in force through EGOV_META_DIR."""
    target = tmp_path / "meta"
    shutil.copytree(
        meta.PACKAGE_META_DIR, target, ignore=shutil.ignore_patterns("*.py", "messages", "__pycache__")
    )
    monkeypatch.setenv(meta.META_DIR_VARIABLE, str(target))
    return target


def test_every_published_year_has_an_edition_with_the_units_the_publisher_ranked():
    editions = meta.editions().set_index(["index", "year", "geography"])["n_ranked"]
    for info in meta.indices().values():
        assert {y for i, y, g in editions.index if i == info.index and g == "provinces_63"} == set(info.years)
    assert editions[("pci", 2005, "provinces_63")] == 42
    assert editions[("pci", 2007, "provinces_63")] == 64  # Hà Tây ranked separately
    assert editions[("pci", 2009, "provinces_63")] == 63
    assert editions[("dti", 2024, "units_34")] == 34
    assert ("dti", 2023, "units_34") not in editions.index


def test_papi_n_ranked_is_what_the_publisher_ranked_not_what_the_file_holds():
    # two provinces are missing from the file in 2014, 2018 and 2024, but PAPI ranked 63
    assert [meta.n_ranked("papi", y, "provinces_63") for y in (2014, 2018, 2024)] == [63] * 3
    # 2022: PAPI ranked 61 (Bắc Giang and Bắc Ninh left out for unreliable survey data; the file
    # holds part of their scores) — this table said 63 before, which withheld every 2022 rank
    assert meta.n_ranked("papi", 2022, "provinces_63") == 61
    assert meta.not_ranked("papi", 2022) == ("Bắc Giang", "Bắc Ninh")
    assert meta.not_ranked("papi", 2023) == ()
    assert meta.n_ranked("papi", 2021, "provinces_63") == 60  # Bắc Giang, Bắc Ninh, Quảng Ninh
    # all 63 were surveyed in 2021; three lacked enough data to be ranked (not "not surveyed")
    note_2021 = meta.editions().set_index(["index", "year"]).loc[("papi", 2021), "coverage_note_en"]
    assert "all 63 were surveyed" in note_2021 and "not surveyed" not in note_2021
    assert meta.n_ranked("papi", 2023, "provinces_63") == 61  # Bình Dương, Quảng Ninh
    notes = meta.editions().set_index(["index", "year"])
    assert "Quảng Ninh" in notes.loc[("papi", 2023), "coverage_note_vi"]
    assert meta.n_ranked("papi", 2030, "provinces_63") is None


def test_every_edition_names_its_publisher_in_both_languages():
    for row in meta.editions().itertuples(index=False):
        publisher = meta.edition_publisher(row.index, row.year, row.geography)
        assert publisher.name_in("en") and publisher.name_in("vi"), row
    # DTI 2024 was published in October 2025 by the Ministry of Science and Technology, into
    # which the Ministry of Information and Communications was merged on 1 March 2025
    for geography in ("provinces_63", "units_34"):
        dti_2024 = meta.edition_publisher("dti", 2024, geography)
        assert dti_2024.publisher == "most"
        assert (dti_2024.name_in("en"), dti_2024.name_in("vi")) == (
            "Ministry of Science and Technology",
            "Bộ Khoa học và Công nghệ",
        )
        assert "1 March 2025" in dti_2024.note_in("en") and "1/3/2025" in dti_2024.note_in("vi")
    assert meta.edition_publisher("dti", 2023).name_in("vi") == "Bộ Thông tin và Truyền thông"
    assert meta.edition_publisher("pci", 2024).name == meta.indices()["pci"].publisher
    with pytest.raises(meta.MetaError, match="no edition dti 2019"):
        meta.edition_publisher("dti", 2019)


def test_the_first_ict_edition_says_its_publisher_is_not_sourced():
    """No source held names who published ICT Index 2006 (its values are a dataset hub's
    compilation): the footer says so instead of naming a ministry no source gives."""
    from egov_analysis.plots.footer import index_name

    first = meta.edition_publisher("ict", 2006)
    assert first.publisher == "not_sourced"
    assert meta.edition_publisher("ict", 2010).publisher == "mic"
    for lang, words in (
        ("en", "publisher not named in any source held (2006)"),
        ("vi", "chưa rõ đơn vị công bố (không nguồn nào đang lưu nêu tên) (2006)"),
    ):
        name = index_name("ict", lang, [2006, 2010])
        assert words in name and meta.publishers()["mic"].name_in(lang) + " (2010)" in name
    edition = meta.editions().query("index == 'ict' and year == 2006").iloc[0]
    assert (
        "not sourced" in edition["file_note_en"] and "chưa có nguồn" in edition["file_note_vi"]
    )  # not released


def _first_edition_edited(meta_copy, old: str, new: str) -> None:
    """The copy's meta/index_editions.csv with ``old`` replaced by ``new`` in its first row (line 2)."""
    path = meta_copy / "index_editions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_edition_without_its_number_ranked_is_refused_unless_marked_unknown(meta_copy):
    _first_edition_edited(meta_copy, "pci,2005,provinces_63,42,", "pci,2005,provinces_63,,")
    with pytest.raises(meta.MetaError, match=r"index_editions.csv:2: n_ranked '' is neither a whole number"):
        meta.editions()


def test_an_edition_naming_an_unknown_publisher_is_refused(meta_copy):
    _first_edition_edited(meta_copy, ",vcci_usaid,", ",vcci_typo,")
    with pytest.raises(meta.MetaError, match=r"index_editions.csv:2: publisher 'vcci_typo' is not in"):
        meta.editions()


def test_indices_have_names_publishers_scale_and_direction_in_both_languages():
    pci = meta.indices()["pci"]
    assert (pci.name, pci.name_in("vi")) == (
        "Provincial Competitiveness Index",
        "Chỉ số Năng lực cạnh tranh cấp tỉnh",
    )
    assert (pci.scale_min, pci.scale_max, pci.direction) == (0, 100, "higher_is_better")
    assert meta.indices()["papi"].scale_max == 80
    for info in meta.indices().values():
        assert info.names["en"] and info.names["vi"] and info.publishers["vi"]
    assert 2021 not in meta.indices()["ict"].years


def test_series_breaks_are_data_with_notes_in_both_languages():
    breaks = meta.series_breaks().set_index(["index", "year"])
    assert "8 dimensions" in breaks.loc[("papi", 2018), "note_en"]
    assert "8 chỉ số nội dung" in breaks.loc[("papi", 2018), "note_vi"]
    assert ("pci", 2017) in breaks.index


@pytest.mark.parametrize(
    ("label", "indicator"),
    [
        ("Business Support Services", "business_support_services"),
        ("Business Support Policy", "business_support_services"),
        ("Chính sách hỗ trợ doanh nghiệp", "business_support_services"),
        ("labor_training", "labor_training"),
        ("Labor Policy", "labor_training"),
        ("Đào tạo lao động", "labor_training"),
        ("legal_institutions", "legal_institutions"),
        ("Law & Order", "legal_institutions"),
        ("Thiết chế pháp lý", "legal_institutions"),
    ],
)
def test_one_indicator_id_per_concept_across_vccis_renamings(label, indicator):
    mapping = meta.indicators().query("index == 'pci'").set_index("label")["indicator"]
    assert mapping[label] == indicator


def test_every_indicator_is_defined_once_with_names_range_and_a_known_parent():
    defs = meta.indicator_definitions()
    assert not defs.duplicated(["index", "indicator"]).any()
    assert defs["name_en"].str.len().gt(0).all() and defs["name_vi"].str.len().gt(0).all()
    ids = set(zip(defs["index"], defs["indicator"], strict=True))
    for row in defs[defs["parent"].ne("")].itertuples():
        assert (row.index, row.parent) in ids, row
    assert set(defs.query("index == 'pci'")["indicator"]).isdisjoint(
        {"business_support_policy", "labor_policy", "law_and_order"}
    )


def test_every_indicator_range_lies_within_its_index_scale():
    scales = meta.indices()
    for row in meta.indicator_definitions().itertuples(index=False):
        info = scales[row.index]
        assert info.scale_min <= row.min < row.max <= info.scale_max, row


def test_the_field_registry_takes_its_allowed_values_from_the_tables():
    index_field = next(f for f in fields.INDICES.fields if f.name == "index")
    geography_field = next(f for f in fields.INDICES.fields if f.name == "geography")
    kind_field = next(f for f in fields.MILESTONES.fields if f.name == "kind")
    assert index_field.choices == tuple(meta.indices())
    assert geography_field.choices == ("provinces_63", "units_34")
    assert kind_field.choices == meta.value_kinds() and "refused" in kind_field.choices
    year_field = next(f for f in fields.INDICES.fields if f.name == "year")
    assert (year_field.low, year_field.high) == (2005, 2024)


def test_a_new_row_in_a_table_reaches_the_registry_without_code(meta_copy):
    with (meta_copy / "geographies.csv").open("a", encoding="utf-8") as f:
        f.write("units_test,5,five test units,năm đơn vị thử,,\n")
    geography_field = next(f for f in fields.INDICES.fields if f.name == "geography")
    assert geography_field.choices == ("provinces_63", "units_34", "units_test")


def test_a_contradicting_table_is_refused_naming_file_and_line(meta_copy):
    with (meta_copy / "index_editions.csv").open("a", encoding="utf-8") as f:
        f.write("pci,2031,provinces_63,63,vcci_usaid,,,,,\n")
    lines = (meta_copy / "index_editions.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(meta.MetaError, match=rf"index_editions.csv:{len(lines)}: pci was not published"):
        meta.editions()


def test_a_label_mapping_to_an_undefined_indicator_is_refused(meta_copy):
    with (meta_copy / "indicator_labels.csv").open("a", encoding="utf-8") as f:
        f.write("pci,Brand New Label,brand_new\n")
    with pytest.raises(meta.MetaError, match=r"'brand_new', which indicators\.csv does not define"):
        meta.indicators()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://pcivietnam.vn/x", None),
        ("https://báo.vn/bài-viết", None),
        ("http://211.88.39.63/article/gb/tjsj/202106/549782.html", "bare IP address"),
        ("http://[2001:db8::1]/a", "bare IP address"),
        ("ftp://example.vn/file", "not an http(s) URL"),
        ("https:///path-only", "no host"),
        ("example.vn/a", "not an http(s) URL"),
        ("https://localhost/a", "not a real host"),
        ("http://www.ufabetindo.in/da-nang", "refused host ufabetindo.in"),
        ("https://cdn.ufabetindo.in/x", "refused host ufabetindo.in"),
    ],
)
def test_a_source_url_must_be_http_with_a_real_host_and_not_refused(url, words):
    problem = meta.url_problem(url)
    if words is None:
        assert problem is None
    else:
        assert problem is not None and words in problem


def test_source_classes_put_the_catch_all_last():
    classes = meta.classify_sources(pd.Series(["https://pcivietnam.vn/a", "https://baomoi.com/b"]))
    assert classes["source_class"].tolist() == ["publisher_site", "press"]


def _imports(path: Path) -> set[str]:
    """The egov_analysis modules a source file imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["egov_analysis", *path.relative_to(SRC).parent.parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {n for n in found if n.startswith("egov_analysis")}


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        (
            "meta",
            ("egov_analysis.clean", "egov_analysis.analysis", "egov_analysis.plots", "egov_analysis.fields"),
        ),
        ("fields.py", ("egov_analysis.clean", "egov_analysis.analysis", "egov_analysis.plots")),
        ("clean", ("egov_analysis.analysis", "egov_analysis.plots", "egov_analysis.reporting")),
        ("analysis", ("egov_analysis.clean", "egov_analysis.reporting")),
        ("plots", ("egov_analysis.clean", "egov_analysis.reporting")),
    ],
)
def test_no_layer_reaches_back(layer, forbidden):
    target = SRC / layer
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    offending = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(forbidden)
    }
    assert not offending, sorted(offending)


@pytest.mark.parametrize(
    "url",
    [
        "http://xemtivisohd.org/quang-ninh-tiep-tuc-but-pha-tren-bang-xep-hang-papi-3353520.html",
        "https://travel.org.vn/news/scitech/2010/09/da-nang-holds-its-lead-in-it-readiness.html",
        "http://tothethao.com/bong-da_x.html",
        "https://congchungbaonguyet.com.vn/news/view/2381/page:206",
        "https://wikimili.com/en/Provincial_Competitiveness_Index",
        "https://text.123docz.net/document/6081890.htm",
        "https://www.scribd.com/doc/49926733/CPI1",
        "http://m.wjbbs.cn/english/2017-12/28/c_136857244.htm",
    ],
)
def test_mirrors_and_unrelated_sites_are_refused(url):
    assert "refused host" in (meta.url_problem(url) or "")


def test_another_provinces_portal_is_refused_for_a_provinces_own_facts():
    from egov_analysis.sources.source_rows import foreign_portal

    assert "Quảng Nam" in (foreign_portal("http://chuyendoiso.quangnam.gov.vn/x", "Quảng Ninh") or "")
    assert foreign_portal("https://www.quangninh.gov.vn/x", "Quảng Ninh") is None
    assert foreign_portal("https://mic.gov.vn/x", "Quảng Ninh") is None


def _rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def test_a_table_without_its_key_column_is_refused_in_one_line(meta_copy):
    _rewrite(meta_copy / "indices.csv", lambda lines: [line.split(",", 1)[1] for line in lines])
    with pytest.raises(
        meta.MetaError, match=r"indices\.csv:1: missing column\(s\) index \[missing_columns\]"
    ):
        meta.indices()


def test_a_duplicated_row_of_a_table_is_an_error(meta_copy):
    _rewrite(meta_copy / "indices.csv", lambda lines: [*lines, lines[1]])
    n = len((meta_copy / "indices.csv").read_text(encoding="utf-8").splitlines())
    with pytest.raises(
        meta.MetaError, match=rf"indices\.csv:{n}: index 'pci' given twice \(first at line 2\)"
    ):
        meta.indices()
    _rewrite(meta_copy / "refused_hosts.csv", lambda lines: [*lines, lines[1]])
    with pytest.raises(meta.MetaError, match=r"refused_hosts\.csv:\d+: host .* given twice"):
        meta.refused_hosts()


def test_a_row_with_too_many_fields_is_refused_with_its_line(meta_copy):
    _rewrite(meta_copy / "publishers.csv", lambda lines: [*lines[:2], lines[2] + ",extra", *lines[3:]])
    with pytest.raises(meta.MetaError, match=r"publishers\.csv:3: 7 fields where the header has 6"):
        meta.publishers()


def test_clean_refuses_a_malformed_meta_table_in_one_line_without_a_traceback(meta_copy, tmp_path):
    import os
    import subprocess
    import sys

    _rewrite(meta_copy / "indices.csv", lambda lines: [line.split(",", 1)[1] for line in lines])
    env = {**os.environ, meta.META_DIR_VARIABLE: str(meta_copy)}
    done = subprocess.run(
        [sys.executable, "-m", "egov_analysis", "clean", "--processed", str(tmp_path / "p")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "KeyError" not in done.stderr
    assert "indices.csv:1: missing column(s) index" in done.stderr.splitlines()[0]


def test_a_renamed_indicator_says_its_rename_in_both_languages():
    """Review L6: "Labour training (labour policy from 2017)" was "Đào tạo lao động" alone in vi.
    Every indicator whose English name gives the year of a rename gives it in Vietnamese too."""
    import re

    table = meta.indicators()
    renamed = table[table["name_en"].str.contains(r"from \d{4}\)", regex=True, na=False)]
    assert len(renamed) >= 3  # PCI's three sub-indices renamed in 2017
    for row in renamed.itertuples(index=False):
        year = re.search(r"from (\d{4})\)", row.name_en).group(1)
        assert f"từ năm {year})" in row.name_vi, (row.indicator, row.name_vi)
