"""The PCI sub-index panel 2012–2021 (a research replication file): its column map checked against
VCCI's own values before anything is written, its values classed as a third party's compilation,
VCCI's values first, every disagreement listed, the 2017 revision a series break."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from egov_analysis import meta
from egov_analysis.plots.footer import index_sources, third_party_sources
from egov_analysis.sources import pci_subindex_panel as panel

HEADER = "year,province,column_label,score,source_url,note\n"
URL = "https://github.com/example/replication/blob/0000000/panel.xlsx"
WORKBOOK = "https://github.com/mdtrinh/vietnamdata/blob/be581b8d5b1f0c6a747199fe23d8a77e55396e17/data-raw/PCI/PCI_2013.xlsx"
PROVINCES = ("Hà Nội", "Quảng Ninh", "Đà Nẵng", "Cần Thơ")


def _reference(tmp_path: Path, rows: list[str]) -> Path:
    reference = tmp_path / "reference"
    path = reference / panel.REFERENCE_FILE
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return reference


def _raw_with_vcci(tmp_path: Path, values: dict[tuple[str, str], str]) -> Path:
    """A raw folder holding a VCCI workbook file for 2013: (province, label) → score."""
    raw = tmp_path / "raw"
    (raw / "pci").mkdir(parents=True)
    lines = ["year,province,indicator,score,rank,source_url"]
    lines += [f"2013,{p},{label},{score},,{WORKBOOK}" for (p, label), score in values.items()]
    (raw / "pci" / "vcci_workbook_2013.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


VCCI = {
    **{(p, "Gia nhập thị trường"): f"8.{i}1234" for i, p in enumerate(PROVINCES)},
    **{(p, "Chi phí thời gian"): f"6.{i}5678" for i, p in enumerate(PROVINCES)},
}


def _panel_rows(entry: str = "PCI1 = Entry Costs", time: str = "PCI4 = Time Costs") -> list[str]:
    rows = []
    for i, p in enumerate(PROVINCES):
        rows.append(f"2013,{p},{entry},8.{i}12341,{URL},column PCI1 of sheet S (row ID {i}); std name X")
        rows.append(f"2013,{p},{time},6.{i}56779,{URL},column PCI4 of sheet S (row ID {i}); std name X")
    return rows


def test_a_confirmed_column_map_writes_the_rows_as_printed(tmp_path):
    reference = _reference(tmp_path, _panel_rows())
    raw = _raw_with_vcci(tmp_path, VCCI)
    assert panel.import_panel(reference, raw) == {panel.RAW_FILE: 8}
    written = pd.read_csv(raw / panel.RAW_FILE, dtype=str)
    assert set(written["indicator"]) == {"PCI1 = Entry Costs", "PCI4 = Time Costs"}
    assert written["note"].str.contains("checked against 4 values of VCCI").all()
    assert written["note"].str.startswith("third-party compilation").all()


def test_swapped_columns_stop_the_import_and_write_nothing(tmp_path):
    # the compiler's inference got two columns the wrong way round: VCCI's values refute both
    reference = _reference(tmp_path, _panel_rows(entry="PCI4 = Time Costs", time="PCI1 = Entry Costs"))
    raw = _raw_with_vcci(tmp_path, VCCI)
    with pytest.raises(panel.SubindexPanelError, match=r"'PCI1 = Entry Costs': its values disagree") as err:
        panel.import_panel(reference, raw)
    assert "2013: 0 of 4" in str(err.value) and "'PCI4 = Time Costs'" in str(err.value)
    assert not (raw / panel.RAW_FILE).exists()


def test_a_single_disagreement_is_written_for_the_cleaning_to_list(tmp_path):
    rows = _panel_rows()
    rows[0] = rows[0].replace("8.012341", "8.512341")  # one value of four differs
    raw = _raw_with_vcci(tmp_path, VCCI)
    panel.import_panel(_reference(tmp_path, rows), raw)
    assert "(1 differ)" in (raw / panel.RAW_FILE).read_text(encoding="utf-8")


def test_an_unmapped_or_unchecked_column_stops_the_import(tmp_path):
    rows = [*_panel_rows(), f"2013,Hà Nội,PCI11 = Something New,5.1,{URL},n"]
    with pytest.raises(panel.SubindexPanelError, match=r"panel\.csv:10: column column_label: 'PCI11"):
        panel.import_panel(_reference(tmp_path, rows), _raw_with_vcci(tmp_path, VCCI))
    rows = [*_panel_rows(), f"2013,Hà Nội,PCI2 = Land Access,5.1,{URL},n"]  # VCCI gives no land access
    with pytest.raises(panel.SubindexPanelError, match=r"'PCI2 = Land Access': no value of VCCI"):
        panel.import_panel(_reference(tmp_path / "b", rows), _raw_with_vcci(tmp_path / "b", VCCI))


def test_the_subindex_panel_is_a_third_party_compilation():
    classes = meta.classify_sources(pd.Series([URL, WORKBOOK]))["source_class"].tolist()
    assert classes == ["third_party_compilation", "publisher_file"]


def test_footers_name_the_years_a_third_party_compiled():
    rows = pd.DataFrame(
        {"year": [2015, 2016, 2017, 2018, 2020], "source_url": [WORKBOOK, URL, URL, URL, URL]}
    )
    (sentence,) = third_party_sources("pci", rows, "en")
    assert sentence.startswith("PCI 2016–2018 and 2020: values published by VCCI with USAID, as compiled")
    assert "bên thứ ba" in third_party_sources("pci", rows, "vi")[0]
    assert third_party_sources("pci", rows.iloc[:1], "en") == []
    assert index_sources("pci", rows, "en")[1] == sentence


@pytest.fixture(scope="module")
def cleaned(real_processed) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_parquet(real_processed.processed / f"{name}.parquet")
        for name in ("indices", "index_conflicts")
    }


def test_clean_publishes_pci_subindices_for_all_63_provinces_2012_2021(cleaned):
    pci = cleaned["indices"].query("index == 'pci' and 2012 <= year <= 2021")
    subindices = set(
        meta.indicator_definitions().query("index == 'pci' and level == 'subindex'")["indicator"]
    )
    for year in range(2012, 2022):
        rows = pci[pci["year"].eq(year) & pci["score"].notna()]
        per_indicator = rows.groupby("indicator")["province_code"].nunique()
        held = set(per_indicator.index) & subindices
        assert len(held) == (9 if year == 2012 else 10), year
        assert (per_indicator[list(held)] == 63).all(), year
    assert pci["source_class"].notna().all()
    later = pci[pci["year"].ge(2017) & pci["indicator"].isin(subindices)]
    assert later["source_class"].eq("third_party_compilation").sum() > 2000  # the panel fills the lists
    # VCCI's own values keep precedence: wherever its site gives a value, that value is cited
    site = later[later["source_url"].str.contains("pcivietnam")]
    assert len(site) > 100 and site["source_class"].eq("publisher_site").all()


def test_every_disagreement_between_the_panel_and_vcci_is_listed(cleaned, real_processed):
    raw = pd.read_csv(real_processed.raw / panel.RAW_FILE, dtype=str)
    vcci = panel.vcci_values(real_processed.raw)
    labels = panel._label_map()
    disagree = {
        (int(r.year), r.province, labels[r.indicator])
        for r in raw.itertuples(index=False)
        if (key := (int(r.year), r.province, labels[r.indicator])) in vcci
        and not panel._agree(r.score, vcci[key])
    }
    conflicts = cleaned["index_conflicts"]
    listed = conflicts[
        conflicts["other_source_url"].isin(raw["source_url"])
        & conflicts["chosen_source_class"].ne("third_party_compilation")
    ]
    codes = cleaned["indices"].drop_duplicates("province_code").set_index("province")["province_code"]
    assert {(y, codes[p], i) for y, p, i in disagree} <= set(
        zip(listed["year"], listed["province_code"], listed["indicator"], strict=True)
    )


def test_the_2017_revision_stays_a_series_break_for_every_subindex(cleaned):
    breaks = meta.series_breaks().query("index == 'pci' and year == 2017")
    subindices = set(
        meta.indicator_definitions().query("index == 'pci' and level == 'subindex'")["indicator"]
    )
    held = set(cleaned["indices"].query("index == 'pci' and year == 2017")["indicator"])
    assert (held & subindices) <= set(breaks["indicator"]) and "overall" in set(breaks["indicator"])


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_compiled_edition_is_credited_to_the_publisher_of_that_edition(lang):
    """DTI 2024 was published by the Ministry of Science and Technology, the earlier editions by
    the Ministry of Information and Communications: the footer and the data-quality page name
    each edition's publisher (meta/index_editions.csv), never the index's for every year."""
    from egov_analysis.analysis.quality import sources_by_class
    from egov_analysis.reporting.sections import third_party_lines

    compiled = "https://github.com/Tuan04-D/opendx/blob/main/dti.csv"
    rows = pd.DataFrame(
        {
            "index": "dti",
            "year": [2022, 2023, 2024],
            "source_url": compiled,
            "source_class": "third_party_compilation",
        }
    )
    most = meta.publishers()["most"].name_in(lang)
    mic = meta.publishers()["mic"].name_in(lang)
    footer = third_party_sources("dti", rows, lang)
    page = third_party_lines(sources_by_class(rows), lang).data
    for said in (" ".join(footer), page):
        assert said.count(most) == 1 and said.count(mic) == 1, said
    (older, latest) = footer
    assert "2022–2023" in older and mic in older and "2024" in latest and most in latest
