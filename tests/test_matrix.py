"""Report matrices and sets (issue 13): expansion over registry lists, stable ASCII names, the
sweep, `build --list`, the contract on expanded reports, and the index page's matrix tables.
No kernel is started here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egov_analysis import cli, config
from egov_analysis.reporting import matrix
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.execute import output_paths
from egov_analysis.reporting.index_page import render_matrix_tables as matrix_tables
from egov_analysis.reporting.reports import ReportContractError, select

NOTEBOOKS = config.paths().notebooks
PROJECT_REPORTS = config.paths().root / "reports.toml"
SAFE = re.compile(r"^[a-z0-9_]+$")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Đắk Lắk", "dak_lak"),
        ("Hồ Chí Minh", "ho_chi_minh"),
        ("Bà Rịa - Vũng Tàu", "ba_ria_vung_tau"),
        ("Thừa Thiên Huế", "thua_thien_hue"),
        ("Hòa Bình", "hoa_binh"),
        ("Hoà Bình", "hoa_binh"),  # old and new tone-mark placement give one name
        ("entry_costs", "entry_costs"),
        (2016, "2016"),
    ],
)
def test_slugs_are_ascii_file_names(value, expected):
    assert matrix.slug(value) == expected


def test_registry_lists():
    provinces = matrix.registry_list("provinces_63")
    assert len(provinces) == len(set(provinces)) == 63
    assert "Quảng Ninh" in provinces and "Hà Tây" not in provinces
    assert len({matrix.slug(p) for p in provinces}) == 63  # no two provinces share a name
    units = matrix.registry_list("units_34")
    assert len(units) == 34 and "Huế" in units
    pci = matrix.registry_list("indicators:pci")
    assert pci[:3] == ["entry_costs", "land_access", "transparency"] and "overall" not in pci
    assert len(pci) == len(set(pci))
    assert matrix.registry_list("languages") == ["en", "vi"]
    with pytest.raises(matrix.MatrixError, match="no indicators of index 'nope'"):
        matrix.registry_list("indicators:nope")
    with pytest.raises(matrix.MatrixError, match="unknown registry list 'provinces_64'; known: provinces_63"):
        matrix.registry_list("provinces_64")


def test_a_matrix_expands_into_stable_named_reports(tmp_path):
    text = """
[[report]]
name = "first"
notebook = "data_quality.ipynb"

[[matrix]]
name = "profile_{province_slug}_{lang}"
title_message = "report_title.profile"
notebook = "province_profile.ipynb"
grid = { province = ["Đắk Lắk", "Hà Nội"], lang = "languages" }

[[matrix]]
name = "rank_{index}_{indicator}"
title = "{index_upper}: {indicator}"
notebook = "provincial_rankings.ipynb"
set = "sweep"
parameters = { index = "pci", start_year = 2010 }
grid = { indicator = ["entry_costs", "land_access"] }
"""
    reports = load_reports(write(tmp_path, text), NOTEBOOKS)
    assert [r.name for r in reports] == [
        "first",
        "profile_dak_lak_en",
        "profile_dak_lak_vi",
        "profile_ha_noi_en",
        "profile_ha_noi_vi",
        "rank_pci_entry_costs",
        "rank_pci_land_access",
    ]
    dak_lak_vi = reports[2]
    assert dak_lak_vi.parameters == {"province": "Đắk Lắk", "lang": "vi"}
    assert dak_lak_vi.title == "Hồ sơ địa phương: Đắk Lắk" and reports[1].title == "Province profile: Đắk Lắk"
    assert dak_lak_vi.point == (("province", "Đắk Lắk"), ("lang", "vi"))
    assert dak_lak_vi.matrix == "profile_{province_slug}_{lang}" and dak_lak_vi.line == 6
    assert reports[5].title == "PCI: entry_costs" and reports[5].set_name == "sweep"
    assert reports[5].parameters == {"index": "pci", "start_year": 2010, "indicator": "entry_costs"}
    assert [r.name for r in select(reports)] == [r.name for r in reports[:5]]
    assert [r.name for r in select(reports, "sweep")] == ["rank_pci_entry_costs", "rank_pci_land_access"]
    assert len(select(reports, "all")) == 7
    assert load_reports(write(tmp_path, text), NOTEBOOKS) == reports  # stable from one load to the next
    with pytest.raises(KeyError, match="no report set 'nightly'; sets: default, sweep, all"):
        select(reports, "nightly")


def test_expanded_reports_go_through_the_contract(tmp_path):
    text = """
[[matrix]]
name = "p_{provnce_slug}"
notebook = "province_profile.ipynb"
grid = { provnce = ["Hà Nội", "Huế"] }
"""
    with pytest.raises(ReportContractError) as caught:
        load_reports(write(tmp_path, text), NOTEBOOKS)
    problems = caught.value.problems
    assert len(problems) == 2
    assert "report 'p_ha_noi': unknown parameter 'provnce' (did you mean 'province'?)" in problems[0]
    assert "report 'p_hue': unknown parameter 'provnce'" in problems[1]


@pytest.mark.parametrize(
    ("matrix_table", "message"),
    [
        ('name = "p"\ngrid = { province = ["Huế", "Hà Nội"] }', "report 'p' is listed twice"),
        (
            'name = "p_{place}"\ngrid = { province = ["Huế"] }',
            "uses {place}, which is no grid key or parameter",
        ),
        ('name = "p_{province_slug}"\ngrid = { province = "provinces_64" }', "unknown registry list"),
        ('name = "p_{province_slug}"\ngrid = { province = [] }', "must be a non-empty list"),
        ('name = "p"', "a matrix needs a grid table"),
        (
            'name = "p_{province_slug}"\nparameters = { province = "Huế" }\ngrid = { province = ["Huế"] }',
            "province is both a grid key and a fixed parameter",
        ),
        ('name = "P_{province}"\ngrid = { province = ["Huế"] }', "name 'P_Huế' must be lower-case ASCII"),
        ('name = "p_{province_slug}"\ngrid = { province = ["Huế"] }\nsize = 3', "unknown key(s) size"),
    ],
)
def test_matrix_mistakes_are_refused_with_their_line(tmp_path, matrix_table, message):
    text = f'[[report]]\nname = "q"\nnotebook = "data_quality.ipynb"\n\n[[matrix]]\n{matrix_table}\n'
    text += 'notebook = "province_profile.ipynb"\n'
    with pytest.raises(ReportContractError) as caught:
        load_reports(write(tmp_path, text), NOTEBOOKS)
    assert any(message in p and ":5:" in p for p in caught.value.problems), caught.value.problems


def test_the_project_sweep_has_every_province_and_pci_subindex_in_both_languages():
    reports = load_reports(PROJECT_REPORTS, NOTEBOOKS)
    sweep = select(reports, "sweep")
    names = [r.name for r in sweep]
    assert len(names) >= 100 and len(set(names)) == len(names)
    assert all(SAFE.match(n) and len(n) < 100 for n in names)
    assert sum(n.startswith("profile_") for n in names) == 63 * 2
    assert {"profile_quang_ninh_vi", "profile_ba_ria_vung_tau_en", "rankings_pci_entry_costs_vi"} <= set(
        names
    )
    pci = matrix.registry_list("indicators:pci")
    assert sum(n.startswith("rankings_pci_") for n in names) == 2 * len(pci)
    titles = {r.name: r.title for r in sweep}
    assert titles["rankings_pci_land_access_vi"] == "Xếp hạng PCI 2005–2024: Tiếp cận đất đai"
    assert titles["rankings_pci_land_access_en"] == "PCI rankings 2005–2024: Access to land"
    assert titles["profile_dak_lak_vi"] == "Hồ sơ địa phương: Đắk Lắk"
    default = select(reports)
    assert len(default) <= 30  # a laptop's build: every default report in en and vi, ~1 min on 2 cores
    assert {"profile_quang_ninh", "profile_da_nang", "profile_hai_phong", "data_quality"} <= {
        r.name for r in default
    }


def test_build_list_prints_every_name_of_the_set(capsys):
    assert cli.main(["build", "--list", "--set", "sweep"]) == 0
    sweep = capsys.readouterr().out.splitlines()
    assert len(sweep) >= 100 and sweep[:2] == ["profile_ha_noi_en", "profile_ha_noi_vi"]
    assert cli.main(["build", "--list"]) == 0
    default = capsys.readouterr().out.splitlines()
    assert default[0] == "phase_comparison_quang_ninh" and "profile_quang_ninh" in default
    assert not set(default) & set(sweep)
    assert cli.main(["build", "--list", "--set", "nightly"]) == 2
    assert "no report set 'nightly'" in capsys.readouterr().err


def test_the_index_page_shows_a_matrix_as_one_table(tmp_path):
    text = """
[[matrix]]
name = "profile_{province_slug}_{lang}"
title_message = "report_title.profile"
notebook = "province_profile.ipynb"
grid = { province = "provinces_63", lang = "languages" }
"""
    reports = load_reports(write(tmp_path, text), NOTEBOOKS)
    paths = config.paths(reports=tmp_path / "reports", figures=tmp_path / "figures")
    for name in ("profile_ha_noi_en", "profile_ha_noi_vi"):  # built; the second then failed
        built = output_paths(paths, name)
        built["html"].parent.mkdir(parents=True, exist_ok=True)
        built["html"].write_text("x", encoding="utf-8")
    page = matrix_tables(paths, reports, {"profile_ha_noi_vi": "cell 3: boom"})
    assert page.count("<table>") == 1
    assert page.count("<tr>") == 64  # a header and one row per province
    assert "<th>Province</th><th>English</th><th>Vietnamese</th>" in page  # as a reader names them
    assert page.count("<a href") == 4 and 'href="html/profile_ha_noi_en.reviewer.html">report</a>' in page
    assert (
        '<td><a href="html/profile_ha_noi_vi.reviewer.html">report</a> · '
        '<a href="html/profile_ha_noi_vi.html">code</a> '
        '<span class="failed" title="cell 3: boom">failed</span></td>'
    ) in page  # the last good pages stay linked
    assert page.count("<td>not built yet</td>") == 63 * 2 - 2
