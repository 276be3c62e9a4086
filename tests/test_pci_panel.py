"""The PCI 2016–2022 panel importer (its own short codes), the SGGP and hub tables, and ranks
computed where no source publishes one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from egov_analysis import config
from egov_analysis.clean.derive import add_ranks
from egov_analysis.sources import pci_panel, press_tables

HEADER = "year,province,province_std,score,score_float32,source_url,publisher,note\n"
URL = "https://github.com/example/panel/blob/0000000/Dataset.dta"


def _panel_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _all_codes(year: int = 2017) -> list[str]:
    return [f"{year},{code},x,60.00,60.000000,{URL},VCCI,n" for code in pci_panel.SHORT_CODES]


def test_every_short_code_maps_to_its_province(tmp_path):
    rows = pci_panel.read_panel(_panel_file(tmp_path, _all_codes()))
    names = {r["note"].split()[4].rstrip(";"): r["province"] for r in rows}
    assert names["QNINH"] == "Quảng Ninh" and names["ĐBIEN"] == "Điện Biên" and names["HCM"] == "Hồ Chí Minh"
    assert len(set(names.values())) == 63


def test_an_unknown_short_code_is_refused_with_file_and_line(tmp_path):
    rows = _all_codes()
    rows.insert(3, f"2017,QNlNH,Quang Ninh,65.00,65.0,{URL},VCCI,n")
    with pytest.raises(
        pci_panel.PanelFormatError, match=r"panel.csv:5: column province: unknown short code 'QNlNH'"
    ):
        pci_panel.read_panel(_panel_file(tmp_path, rows), "panel.csv")


def test_a_short_code_the_file_never_uses_is_refused(tmp_path):
    rows = [r for r in _all_codes() if ",QNINH," not in r]
    with pytest.raises(pci_panel.PanelFormatError, match="QNINH"):
        pci_panel.read_panel(_panel_file(tmp_path, rows))


def test_a_score_without_two_decimals_is_refused(tmp_path):
    rows = _all_codes()
    rows[0] = rows[0].replace("60.00", "60.0", 1)
    with pytest.raises(pci_panel.PanelFormatError, match=r":2: column score: '60.0'"):
        pci_panel.read_panel(_panel_file(tmp_path, rows))


def test_sggp_list_order_becomes_computed_ranks_and_a_two_decimal_tie_shares_one(tmp_path):
    path = tmp_path / "sggp.csv"
    path.write_text(
        "year,province,score,rank,source_url,note\n"
        "2024,Hai Phong,74.84,1,https://a.vn/x,printed\n"
        "2024,Phu Tho,70.35,,https://a.vn/x,list order 8\n"
        "2024,Dong Thap,70.35,,https://a.vn/x,list order 9\n"
        "2024,Hung Yen,70.18,,https://a.vn/x,list order 10\n",
        encoding="utf-8",
    )
    rows = {r["province"]: r for r in press_tables.read_sggp(path)}
    assert (rows["Hai Phong"]["rank"], rows["Hai Phong"]["rank_basis"]) == ("1", "published")
    assert rows["Phu Tho"]["rank"] == rows["Dong Thap"]["rank"] == 8
    assert rows["Hung Yen"]["rank"] == 10 and rows["Hung Yen"]["rank_basis"] == "computed"


def test_ranks_are_computed_only_where_none_is_published_and_ties_share():
    panel = pd.DataFrame(
        {
            "index": "pci",
            "year": 2017,
            "geography": "provinces_63",
            "province_code": [f"{i:02d}" for i in range(63)],
            "indicator": "overall",
            "score": pd.array([70.0, 65.5, 65.5] + [50.0 - i * 0.1 for i in range(60)], dtype="Float64"),
            "rank": pd.array([1, pd.NA, 3] + [pd.NA] * 60, dtype="Int64"),
            "rank_basis": ["published", pd.NA, "published"] + [pd.NA] * 60,
            "source_url": "https://x.vn",
            "rank_source_url": ["https://x.vn", pd.NA, "https://x.vn"] + [pd.NA] * 60,
        }
    )
    ranked = add_ranks(panel).set_index("province_code")
    assert ranked.loc["01", "rank"] == 2 and ranked.loc["01", "rank_basis"] == "computed"  # tie at 65.5
    assert ranked.loc["02", "rank"] == 3 and ranked.loc["02", "rank_basis"] == "published"  # kept
    assert ranked.loc["03", "rank"] == 4


def test_an_edition_whose_number_ranked_no_source_gives_keeps_it_unknown():
    """Review M9: ICT Index 2006 ranks were given "of 63", a number no source gives (64 provinces
    then). ``unknown`` in meta/index_editions.csv: no count is taken from the units held, no rank
    is computed, the coverage is a part of the list and the rank prints without "of n"."""
    from egov_analysis import formatting as fmt
    from egov_analysis import meta
    from egov_analysis.meta.coverage import PARTIAL, coverage

    assert (
        meta.n_ranked_unknown("ict", 2006, "provinces_63")
        and meta.n_ranked("ict", 2006, "provinces_63") is None
    )
    assert not meta.n_ranked_unknown("ict", 2016, "provinces_63")
    panel = pd.DataFrame(
        {
            "index": "ict",
            "year": 2006,
            "geography": "provinces_63",
            "province_code": ["01", "79", "74"],
            "indicator": "overall",
            "score": pd.array([0.7, 0.6, 0.5], dtype="Float64"),
            "rank": pd.array([1, 2, pd.NA], dtype="Int64"),
            "rank_basis": ["published", "published", pd.NA],
            "source_url": "https://x.vn",
            "rank_source_url": ["https://x.vn", "https://x.vn", pd.NA],
        }
    )
    ranked = add_ranks(panel).set_index("province_code")
    assert ranked["n_ranked"].isna().all()  # not 3, the units held
    assert pd.isna(ranked.loc["74", "rank"])  # no rank computed from a list of unknown length
    assert coverage(ranked.reset_index())["status"].iloc[0] == PARTIAL
    assert fmt.rank(ranked.loc["79", "rank"], ranked.loc["79", "n_ranked"], "en") == "2"
    assert (
        fmt.held_of_ranked(3, pd.NA, 2006, "en")
        == "3 in 2006 (no source held gives how many units were ranked)"
    )


@pytest.fixture(scope="module")
def indices(real_processed) -> pd.DataFrame:
    return pd.read_parquet(real_processed.processed / "indices.parquet")


def test_pci_overall_is_complete_for_every_year_2006_2022(indices):
    pci = indices.query("index == 'pci' and indicator == 'overall' and 2006 <= year <= 2022")
    counts = pci.groupby("year")["score"].count().to_dict()
    assert counts == {y: (64 if y <= 2008 else 63) for y in range(2006, 2023)}
    assert pci.groupby("year")["rank"].count().to_dict() == counts
    qn = pci[pci["province_code"].eq("22")].set_index("year")
    assert qn.loc[2018, "score"] == 70.36 and qn.loc[2018, "rank"] == 1
    assert qn.loc[2018, "rank_basis"] == "published"
    # a province whose rank no source prints gets a computed one
    computed = pci[pci["year"].eq(2018) & pci["rank_basis"].eq("computed")]
    assert len(computed) >= 63 - 26 and computed["rank_source_url"].str.startswith("http").all()


def test_new_years_of_the_hub_previews_are_in_the_panel(indices):
    overall = indices[indices["indicator"].eq("overall")]
    tops = {
        ("par", 2012): set(range(1, 20)),
        ("dti", 2020): set(range(1, 9)),  # 9th: Kiên Giang is printed as tied 8th (viet-jo)
        ("sipas", 2017): set(range(1, 13)),
        ("ict", 2006): set(range(1, 11)),
    }
    for (index, year), top in tops.items():
        ranks = overall.query("index == @index and year == @year")["rank"].dropna().astype(int)
        assert top <= set(ranks), (index, year)
    ict_2006 = indices.query("index == 'ict' and year == 2006 and indicator == 'overall'")
    assert len(ict_2006) == 10 and ict_2006.set_index("rank").loc[1, "province"] == "Hồ Chí Minh"
    par_2012 = indices.query("index == 'par' and year == 2012")
    assert par_2012.query("indicator == 'ministry_assessment_score'")["score"].notna().sum() == 19
    dti_2020 = indices.query("index == 'dti' and year == 2020 and indicator == 'digital_government'")
    assert dti_2020.set_index("province").loc["Quảng Ninh", "score"] == 0.4513
    pci_2024 = indices.query("index == 'pci' and year == 2024 and indicator == 'overall' and rank <= 10")
    assert len(pci_2024) == 10


def test_dti_2023_2024_position_ranks_are_computed(indices):
    raw = pd.read_csv(config.paths().raw / "dti" / "dti_further_values.csv", dtype=str, keep_default_na=False)
    positions = raw[
        raw["note"].str.contains("rank = position in") & raw["note"].str.contains("not a rank column")
    ]
    later = positions[positions["year"].isin(["2023", "2024"])]
    assert len(later) == 126 and later["rank_basis"].eq("computed").all()
    assert positions[positions["year"].eq("2022")]["rank_basis"].eq("published").all()  # checked
    # in the panel, the 111 ranks that no source publishes stay computed
    dti = indices.query("index == 'dti' and year in (2023, 2024) and geography == 'provinces_63'")
    dti = dti[dti["indicator"].eq("overall")]
    assert dti["rank_basis"].value_counts().to_dict() == {"computed": 111, "published": 15}


def test_no_raw_row_cites_the_gambling_mirror():
    from egov_analysis import meta

    for path in config.paths().raw.glob("*/*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "source_url" in frame:
            assert not frame["source_url"].str.contains("ufabetindo").any(), path
    assert "ufabetindo.in" in meta.refused_hosts()
    ict = pd.read_csv(config.paths().raw / "ict" / "ict_index_compiled.csv", dtype=str)
    original = "https://en.vietnamplus.vn/da-nang-tops-vietnam-ict-index-for-12-straight-years/202125.vnp"
    assert (ict["source_url"] == original).sum() == 9  # the nine rows cite the original article


@pytest.mark.reference
def test_a_respelled_province_in_a_workbook_copy_stops_the_import(reference_dir, tmp_path):
    import warnings

    import openpyxl

    from egov_analysis.sources import vcci_pci

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(reference_dir / "pci" / "vcci_workbooks" / "PCI_2016.xlsx")
    assert book["Summary_VN"]["B2"].value == "Quảng Ninh"
    book["Summary_VN"]["B2"] = "Quảng Nimh"
    book.save(tmp_path / "PCI_2016.xlsx")
    with pytest.raises(vcci_pci.WorkbookLayoutError) as err:
        vcci_pci.import_directory(tmp_path, tmp_path / "raw", years=[2016], progress=False)
    assert "sheet 'Summary_VN', cell B2: 'Quảng Nimh' is not a province" in str(err.value)
    assert not (tmp_path / "raw" / "pci" / "vcci_workbook_2016.csv").exists()


@pytest.mark.reference
def test_the_import_command_exits_1_naming_the_cell_of_a_respelled_province(reference_dir, tmp_path):
    import shutil
    import subprocess
    import sys
    import warnings

    import openpyxl

    books = tmp_path / "books"
    shutil.copytree(reference_dir / "pci" / "vcci_workbooks", books)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(books / "PCI_2016.xlsx")
    book["Summary_VN"]["B2"] = "Quảng Nimh"
    book.save(books / "PCI_2016.xlsx")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "egov_analysis",
            "import",
            "vcci-pci",
            str(books),
            "--raw",
            str(tmp_path / "raw"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 1
    assert "sheet 'Summary_VN', cell B2: 'Quảng Nimh' is not a province" in result.stderr
