"""The atlas (issue 18): a profile of every province and unit in both languages in the default set,
the profiles' logic (a unit's members and their derived mean, Hà Tây inside Hà Nội, sub-indices
against the best and median province, the region's peers), full year tables with tiers and links,
maps by year and the interactive charts' specifications and vendored scripts. Small inline
frames; the built pages are checked in test_reviewer_html.py and, in a real browser, in
test_browser.py."""

from __future__ import annotations

import json
import re
from html import unescape

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from support import index_rows

from egov_analysis import cli, config
from egov_analysis import formatting as fmt
from egov_analysis.analysis import maps, profiles
from egov_analysis.plots import interactive
from egov_analysis.provinces import provinces, units_2025
from egov_analysis.reporting import atlas_sections, links, vendor
from egov_analysis.reporting.contract import load_reports
from egov_analysis.reporting.reports import select

QN, HN, HT, DN, QNAM, BN, BG = "22", "01", "28", "48", "49", "27", "24"


def rows(
    records: list[tuple], index: str = "pci", indicator: str = "overall", geography: str = "provinces_63"
):
    """(year, code, name, score, rank, n_ranked[, tier]) records as index panel rows."""
    records = [r if len(r) == 7 else (*r, pd.NA) for r in records]
    return index_rows(
        records,
        ["year", "province_code", "province", "score", "rank", "n_ranked", "tier"],
        index,
        indicator,
        geography,
        source_url="https://example.org/a",
        rank_source_url="https://example.org/b",
        note=pd.NA,
    )


PANEL = pd.concat(
    [
        rows(
            [
                (2007, HN, "Hà Nội", 60.0, 2, 3, "Tốt"),
                (2007, HT, "Hà Tây", 55.0, 3, 3, "Khá"),
                (2007, DN, "Đà Nẵng", 70.0, 1, 3, "Rất tốt"),
                (2020, HN, "Hà Nội", 65.0, 2, 3),
                (2020, DN, "Đà Nẵng", 70.0, 1, 3),
                (2020, QNAM, "Quảng Nam", 60.0, 3, 3),
                (2021, DN, "Đà Nẵng", 71.0, 1, 3),  # Quảng Nam has no score: no mean
            ]
        ),
        rows([(2024, DN, "Đà Nẵng", 0.8, 2, 63), (2024, QNAM, "Quảng Nam", 0.6, 57, 63)], index="dti"),
        rows([(2024, DN, "Đà Nẵng", 0.7, 17, 34)], index="dti", geography="units_34"),
    ],
    ignore_index=True,
)


# --- the reports file: 194 profiles in the default set ------------------------------------------


def test_the_default_set_has_a_profile_of_every_province_and_unit_in_both_languages(capsys):
    assert cli.main(["build", "--list"]) == 0
    names = capsys.readouterr().out.splitlines()
    profiles_listed = [n for n in names if n.startswith("profile_")]
    assert len(profiles_listed) == 194 == 2 * (63 + 34)
    reports = {
        r.name: r
        for r in select(load_reports(config.paths().root / "reports.toml", config.paths().notebooks))
    }
    for lang in ("en", "vi"):
        for province in provinces().values():
            if province.merged_into:  # Hà Tây: inside Hà Nội's profile, no page of its own
                assert links.profile_report(province.name, "provinces_63", lang) not in reports
                continue
            report = reports[links.profile_report(province.name, "provinces_63", lang)]
            assert report.parameters["province"] == province.name and report.lang == lang
        for unit in units_2025().values():
            report = reports[links.profile_report(unit.name, "units_34", lang)]
            assert report.parameters == {"province": unit.name, "geography": "34", "lang": lang}
    titles = {reports["profile_unit_hue_vi"].title, reports["profile_unit_hue_en"].title}
    assert titles == {"Đơn vị hành chính cấp tỉnh từ năm 2025: Huế", "Provincial unit of 2025: Huế"}


def test_a_profile_link_is_relative_to_the_same_folder_and_language():
    assert links.profile_href("Đắk Lắk", "provinces_63", "vi") == "profile_dak_lak_vi.reviewer.html"
    assert links.profile_href("Huế", "units_34", "en") == "profile_unit_hue_en.reviewer.html"
    with pytest.raises(KeyError, match="no profiles for geography 'x'"):
        links.profile_report("Huế", "x", "en")


# --- whom a profile is about ---------------------------------------------------------------------


def test_subjects_carry_their_members_and_the_provinces_merged_into_them():
    hanoi = profiles.subject("Ha Noi")
    assert (hanoi.code, hanoi.members, hanoi.predecessors, hanoi.is_unit) == (HN, (HN,), (HT,), False)
    danang = profiles.subject("Đà Nẵng", "34")
    assert danang.is_unit and danang.merged and set(danang.members) == {DN, QNAM}
    quang_ninh = profiles.subject("Quảng Ninh", "34")
    assert quang_ninh.members == (QN,) and not quang_ninh.merged
    bac_ninh = profiles.subject("Bắc Ninh", "34")
    assert set(bac_ninh.members) == {BN, BG} and len(bac_ninh.regions) == 2
    with pytest.raises(ValueError, match="Hà Tây merged into Hà Nội"):
        profiles.subject("Hà Tây")


def test_a_merged_units_history_has_its_members_and_a_derived_mean_only_where_none_was_released():
    danang = profiles.subject("Đà Nẵng", "34")
    history = profiles.history(PANEL, danang)
    means = history[history["role"].eq(profiles.DERIVED_MEAN)]
    # 2020: both members scored -> mean 65; 2021: Quảng Nam missing -> none; DTI 2024: released -> none
    assert means[["index", "year", "score"]].to_dict("records") == [
        {"index": "pci", "year": 2020, "score": 65.0}
    ]
    assert means["rank"].isna().all() and (means["value_basis"] == profiles.DERIVED_MEAN).all()
    released = history[history["role"].eq("profile")]
    assert released[["index", "year", "rank", "n_ranked"]].to_dict("records") == [
        {"index": "dti", "year": 2024, "rank": 17, "n_ranked": 34}
    ]
    assert set(history.loc[history["role"].eq(profiles.MEMBER), "province_code"]) == {DN, QNAM}


def test_hanois_history_holds_ha_tays_and_the_national_median_of_complete_years():
    history = profiles.history(PANEL, profiles.subject("Hà Nội"))
    assert set(history["role"]) == {"profile", profiles.PREDECESSOR}
    ha_tay = history[history["role"].eq(profiles.PREDECESSOR)]
    assert ha_tay[["year", "province", "rank"]].to_dict("records") == [
        {"year": 2007, "province": "Hà Tây", "rank": 3}
    ]
    pci_2007 = history[history["index"].eq("pci") & history["year"].eq(2007)].iloc[0]
    assert pci_2007["median_score"] == 60.0 and bool(pci_2007["median_complete"])
    (table,) = [
        t
        for t in atlas_sections.history_tables(history, profiles.subject("Hà Nội"), "vi")
        if "PCI" in t.title
    ]
    html = table.as_raw_html()
    assert "Hà Tây" in html and "3/3 · 55,00" in html and "Tốt" in html


def test_a_units_history_table_marks_the_mean_derived_and_a_partial_years_median_as_none():
    danang = profiles.subject("Đà Nẵng", "34")
    history = profiles.history(PANEL, danang)
    tables = {t.title: t.as_raw_html() for t in atlas_sections.history_tables(history, danang, "en")}
    pci = tables["PCI: the unit and its member provinces by year"]
    assert "Mean of members<" in pci and "65.00†" in pci  # the mark on the value, not a word
    assert pci.count("computed by this project") == 1  # the mark's one legend
    dti = tables["DTI: the unit and its member provinces by year"]
    assert "17/34" in dti.replace(" ", "")  # the unit's own published rank
    partial = rows([(2021, DN, "Đà Nẵng", 71.0, 1, 3)])  # one of three scored: no national median
    partial_history = profiles.history(partial, profiles.subject("Đà Nẵng"))
    (table,) = atlas_sections.history_tables(partial_history, profiles.subject("Đà Nẵng"), "en")
    assert "none (the data held have part of the list)" in table.as_raw_html()


def test_sub_indices_stand_against_the_best_and_the_median_province():
    parts = rows(
        [
            (2020, DN, "Đà Nẵng", 8.0, pd.NA, 3),
            (2020, QNAM, "Quảng Nam", 6.0, pd.NA, 3),
            (2020, HN, "Hà Nội", 7.0, pd.NA, 3),
        ],
        indicator="entry_costs",
    )
    panel = pd.concat([PANEL, parts], ignore_index=True)
    unit = profiles.subject("Đà Nẵng", "34")
    assert profiles.latest_subindex_year(panel, "pci", unit) == 2020
    table = profiles.subindex_profile(panel, "pci", 2020, unit)
    assert table.to_dict("records") == [
        {
            "indicator": "entry_costs",
            "score": 7.0,  # the mean of Đà Nẵng's 8 and Quảng Nam's 6, derived
            "value_basis": profiles.DERIVED_MEAN,
            "best_score": 8.0,
            "best_basis": "published",
            "best_province": "Đà Nẵng",
            "median_score": 7.0,
            "median_basis": "published",  # the median province's own published score
            "n_scored": 3,
            "n_third_party": 0,
        }
    ]
    html = atlas_sections.subindex_table(table, "pci", 2020, unit, "en").as_raw_html()
    assert ">7.00†<" in html and ">8.00<" in html and html.count("computed by this project") == 1
    own = profiles.subindex_profile(panel, "pci", 2020, profiles.subject("Hà Nội"))
    assert own["score"].tolist() == [7.0] and own["value_basis"].tolist() == [profiles.PUBLISHED]
    with pytest.raises(profiles.NoDataError):
        profiles.subindex_profile(panel, "pci", 2007, unit)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_papi_dimension_sums_and_totals_carry_the_mark_in_the_profile_tables(lang):
    """A PAPI dimension is a sum of published sub-dimensions, and the total a sum of dimensions:
    both are computed by the project and marked wherever the profile shows them."""
    dims = rows(
        [(2020, HN, "Hà Nội", 7.25, pd.NA, 3), (2020, DN, "Đà Nẵng", 7.5, pd.NA, 3)],
        index="papi",
        indicator="transparency",
    ).assign(score_basis="computed")
    table = profiles.subindex_profile(pd.concat([PANEL, dims]), "papi", 2020, profiles.subject("Hà Nội"))
    assert table[["value_basis", "best_basis", "median_basis"]].iloc[0].tolist() == ["computed"] * 3
    html = atlas_sections.subindex_table(table, "papi", 2020, profiles.subject("Hà Nội"), lang).as_raw_html()
    assert re.search(r">7[.,]25†<", html) and re.search(r">7[.,]50†<", html)
    assert html.count(fmt.computed_legend(lang)[:30]) == 1
    totals = rows([(2020, HN, "Hà Nội", 40.5, 2, 2), (2020, DN, "Đà Nẵng", 41.5, 1, 2)], index="papi")
    totals = totals.assign(score_basis="computed", rank_basis="computed")
    hanoi = profiles.subject("Hà Nội")
    (history,) = atlas_sections.history_tables(profiles.history(totals, hanoi), hanoi, lang)
    cells = history.as_raw_html()
    assert re.search(r">2 ?/ ?2†<", cells) and re.search(r">40[.,]50†<", cells)  # rank and sum
    assert re.search(r">41[.,]00†<", cells)  # the national median, computed
    assert cells.count(fmt.computed_legend(lang)[:30]) == 1


def test_a_papi_dimension_a_source_prints_counts_in_the_profile_and_a_sub_dimension_does_not():
    """Quảng Ninh's PAPI 2024 public service delivery, 8.42, is printed by the press (published):
    it is the province's score and the year's best, though the other provinces' are sums; a
    sub-dimension is never compared with the dimensions (reviewer's W1)."""
    dims = pd.concat(
        [
            rows(
                [(2024, "22", "Quảng Ninh", 8.42, pd.NA, 61)],
                index="papi",
                indicator="public_service_delivery",
            ),
            rows(
                [(2024, HN, "Hà Nội", 8.40, pd.NA, 61), (2024, DN, "Đà Nẵng", 7.5, pd.NA, 61)],
                index="papi",
                indicator="public_service_delivery",
            ).assign(score_basis="computed"),
            rows([(2024, DN, "Đà Nẵng", 9.9, pd.NA, 61)], index="papi", indicator="civic_knowledge"),
        ]
    )
    table = profiles.subindex_profile(dims, "papi", 2024, profiles.subject("Quảng Ninh"))
    (row,) = table.to_dict("records")
    assert row["indicator"] == "public_service_delivery" and row["n_scored"] == 3
    assert (row["score"], row["value_basis"]) == (8.42, "published")
    assert (row["best_province"], row["best_basis"]) == ("Quảng Ninh", "published")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_papi_total_a_source_prints_says_whose_it_is_in_the_profile_history(lang):
    """Quảng Ninh's PAPI totals are the project's sums except where a source prints one (2020:
    48.811, a government site): the history table gives each year's class of source beside the
    mark, so the printed value neither passes for a sum nor stands unexplained among them."""
    sums = rows(
        [(2019, QN, "Quảng Ninh", 46.6628, 3, 63), (2022, QN, "Quảng Ninh", 47.8763, 1, 61)], index="papi"
    )
    sums = sums.assign(
        score_basis="computed", source_url="https://github.com/hnks-gh/ml-mcdm/blob/x/data.csv"
    )
    printed = rows([(2020, QN, "Quảng Ninh", 48.811, 1, 63)], index="papi").assign(
        score_basis="published",
        source_url="http://news.gov.vn/print/quang-ninh-leads-in-papi-2020-rankings-11140879.htm",
    )
    quang_ninh = profiles.subject("Quảng Ninh")
    history = profiles.history(pd.concat([sums, printed], ignore_index=True), quang_ninh)
    (table,) = atlas_sections.history_tables(history, quang_ninh, lang)
    cells = table.as_raw_html()
    assert re.search(r">48[.,]81<", cells) and re.search(r">46[.,]66†<", cells)
    government = fmt.display_name("source_class", "provincial_government", lang)
    compilation = fmt.display_name("source_class", "third_party_compilation", lang)
    assert f">{government}<" in cells and cells.count(f">{compilation}<") == 2
    # only sums (or only printed values): the mark alone says it, no class column
    (only_sums,) = atlas_sections.history_tables(profiles.history(sums, quang_ninh), quang_ninh, lang)
    assert f">{compilation}<" not in only_sums.as_raw_html()


def test_region_peers_rank_the_regions_provinces_and_link_them():
    who = profiles.subject("Hà Nội")
    peers = profiles.region_peers(PANEL, who)
    red_river = {c for c, p in provinces().items() if p.region == "Red River Delta" and not p.merged_into}
    assert (
        set(peers["province_code"]) == red_river
        and peers.loc[peers["province_code"].eq(HN), "is_member"].all()
    )
    html = atlas_sections.peers_table(peers, who, "vi").as_raw_html()
    assert '<a href="profile_ha_noi_vi.reviewer.html">Hà Nội</a>' in html


def test_the_peers_year_is_the_latest_with_half_the_region_else_the_one_with_most_ranked():
    ranked = pd.Series({2015: 6, 2016: 5, 2017: 5})
    assert profiles.peers_year(ranked, 11) == (2015, "half")  # 5 of 11 is not half
    assert profiles.peers_year(pd.Series({2006: 3, 2016: 2, 2017: 3}), 11) == (2017, "most")
    assert profiles.peers_year(pd.Series({2016: 1}), 11) is None


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_peers_note_says_the_rule_used_and_the_count_ranked(lang):
    """Review M2: the note said "at least half of the region's provinces" above a column with 2 of
    11 ranked; it now says which column fell back and how many of the region it has."""
    who = profiles.subject("Hà Nội")
    region = rows([(2016, HN, "Hà Nội", 65.0, 2, 63), (2016, QN, "Quảng Ninh", 70.0, 1, 63)], index="ict")
    peers = profiles.region_peers(region, who)
    n = len(peers)
    assert n == 11 and peers["ict_rule"].iloc[0] == "most"
    html = atlas_sections.peers_table(peers, who, lang).as_raw_html()
    count = {"en": "ICT Index 2016, 2 of 11 ranked", "vi": "năm 2016, 2/11 tỉnh có thứ hạng"}[lang]
    assert count in html
    assert fmt.display_name("index", "ict", lang) in html
    # with half the region ranked, the plain rule and no count
    half = rows([(2016, c, p.name, 60.0, i + 1, 63) for i, (c, p) in enumerate(peers_codes(6))], index="ict")
    html = unescape(atlas_sections.peers_table(profiles.region_peers(half, who), who, lang).as_raw_html())
    assert count not in html and text_of("atlas.text.peers_note", lang, n="11") in html


def peers_codes(k: int) -> list:
    return [(c, p) for c, p in provinces().items() if p.region == "Red River Delta" and not p.merged_into][:k]


def text_of(key: str, lang: str, **fields: str) -> str:
    from egov_analysis.meta.messages import text

    return text(key, lang, **fields).split("{")[0]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_computed_rank_of_a_peer_carries_the_mark_and_its_legend(lang):
    who = profiles.subject("Hà Nội")
    region = rows([(2020, HN, "Hà Nội", 65.0, 2, 63), (2020, "22", "Quảng Ninh", 70.0, 1, 63)])
    computed = region.assign(rank_basis=["published", "computed"])
    html = atlas_sections.peers_table(profiles.region_peers(computed, who), who, lang).as_raw_html()
    assert re.search(r">1 ?/ ?63†<", html) and re.search(r">2 ?/ ?63<", html), html
    assert html.count(fmt.computed_legend(lang)[:30]) == 1


def test_unit_findings_say_what_was_released_for_the_unit_and_each_members_latest_value():
    found = profiles.key_findings(PANEL, profiles.subject("Đà Nẵng", "34"), "en", "Đà Nẵng")
    text = "\n".join(found.sentences)
    assert "DTI 2024: Đà Nẵng ranks 17 / 34" in text
    assert "Quảng Nam" in text and "mean" not in text
    # the former province of the same name comes after a line saying whose ranks these are
    members = text.index("Its member provinces before July 2025")
    assert text.index("17 / 34") < members < text.index("Quảng Nam")


# --- full year tables ----------------------------------------------------------------------------


def test_the_full_table_lists_every_unit_held_with_tiers_as_printed_and_links():
    pci = PANEL[PANEL["index"].eq("pci")]
    html = atlas_sections.full_ranking_table(pci, 2007, "vi").as_raw_html()
    soup = BeautifulSoup(html, "html.parser")
    body = [tr.get_text(" ", strip=True) for tr in soup.find("tbody").find_all("tr")]
    assert [row.split(" ")[0] for row in body] == ["Đà", "Hà", "Hà"] and len(body) == 3
    assert "Rất tốt" in body[0] and "Khá" in body[2]
    assert soup.find("a", string="Đà Nẵng")["href"] == "profile_da_nang_vi.reviewer.html"
    assert "Nhóm xếp hạng theo đúng bản in" in html
    no_tier = rows([(2008, HN, "Hà Nội", 60.0, 1, 2, "Tốt"), (2008, DN, "Đà Nẵng", 50.0, 2, 2)])
    assert (
        "không có trong dữ liệu đang lưu"
        in atlas_sections.full_ranking_table(no_tier, 2008, "vi").as_raw_html()
    )
    partial = atlas_sections.full_ranking_table(pci, 2021, "en").as_raw_html()
    assert (
        "1 of 3 units ranked" in partial and "The data held have 1 of the 3 units ranked in 2021" in partial
    )
    units = atlas_sections.full_ranking_table(
        PANEL[PANEL["geography"].eq("units_34")], 2024, "en"
    ).as_raw_html()
    assert 'href="profile_unit_da_nang_en.reviewer.html"' in units and "Quảng Nam" in units


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_full_table_intro_says_every_unit_only_when_every_unit_is_held(lang):
    """Review M8: "Every unit ranked in 2024" introduced 14 of the 63 units ranked; the intro now
    gives the units held and the number ranked, both from the one coverage function."""
    pci = PANEL[PANEL["index"].eq("pci")]
    every = unescape(str(atlas_sections.full_table_intro(pci, 2007, lang).data))
    part = unescape(str(atlas_sections.full_table_intro(pci, 2021, lang).data))
    assert {"en": "Every unit ranked in 2007", "vi": "Mọi đơn vị được xếp hạng năm 2007"}[lang] in every
    assert {"en": "The units held for 2021 (1 of the 3 ranked)", "vi": "năm 2021 (1 trong số 3 đơn vị"}[
        lang
    ] in part
    assert "Every unit" not in part and "Mọi đơn vị" not in part
    unknown = pci[pci["year"].eq(2021)].assign(n_ranked=pd.NA)
    said = unescape(str(atlas_sections.full_table_intro(unknown, 2021, lang).data))
    assert {"en": "no source held gives how many", "vi": "không nguồn nào đang lưu cho biết"}[lang] in said
    table = atlas_sections.full_ranking_table(unknown, 2021, lang).as_raw_html()
    assert " of 1 units" not in table and "1/1" not in table


def test_the_years_with_a_full_table_are_the_last_and_the_latest_complete():
    pci = PANEL[PANEL["index"].eq("pci")]
    assert atlas_sections.full_table_years(pci) == [2020, 2021]  # 2021 held in part, 2020 in full


def test_a_page_link_is_never_a_scheme_or_a_path():
    from egov_analysis.tables import page_anchor

    assert page_anchor("A <b>", "x_vi.reviewer.html") == '<a href="x_vi.reviewer.html">A &lt;b&gt;</a>'
    assert page_anchor("A", "javascript:alert(1)") == "A"
    assert page_anchor("A", "../../etc/passwd") == "A"


# --- maps by year --------------------------------------------------------------------------------


def test_map_years_are_those_held_nearly_in_full_and_blank_units_are_named():
    everyone = [(c, p.name) for c, p in provinces().items() if not p.merged_into]
    full = rows([(2020, c, n, 50.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone)])
    nearly = rows([(2021, c, n, 50.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone[:61])])
    part = rows([(2022, c, n, 50.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone[:30])])
    data = pd.concat([full, nearly, part], ignore_index=True)
    assert maps.map_years(data) == [2020, 2021]
    assert maps.missing_units(data, 2021) == [everyone[61][1], everyone[62][1]]
    shown = atlas_sections.blank_units(data, [2020, 2021], "en").data
    assert "2021: " in shown and everyone[62][1] in shown and "2020:" not in shown
    assert "not in that edition" not in shown  # 61 of the 63 ranked: a gap in the data held


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_units_an_edition_did_not_rank_are_not_called_a_gap_in_the_data(lang):
    """PCI 2005 ranked 42 provinces: the others are blank on its map because that edition did not
    cover them, and the line under the maps says so."""
    everyone = [(c, p.name) for c, p in provinces().items() if not p.merged_into]
    first = rows([(2005, c, n, 50.0 + i, i + 1, 42) for i, (c, n) in enumerate(everyone[:42])])
    shown = atlas_sections.blank_units(first, [2005], lang).data
    said = {"en": "not in that edition, which ranked 42 units", "vi": "kỳ này xếp hạng 42 đơn vị"}[lang]
    assert said in shown and everyone[50][1] in shown


# --- interactive charts --------------------------------------------------------------------------


def _spec(chart: interactive.Interactive) -> dict:
    html = chart.to_html()
    payload = re.search(
        r'<script type="application/json" class="egov-vega-spec"[^>]*>(.*?)</script>', html, re.S
    )
    assert payload and "<script src" not in html  # data only: the page loads the scripts once
    return json.loads(payload.group(1).replace("<\\/", "</"))


def test_rank_lines_carry_values_as_the_page_writes_them_a_picker_and_gaps():
    pci = PANEL[PANEL["index"].eq("pci")]
    chart = interactive.rank_lines(pci, "vi", highlight=["Đà Nẵng"])
    spec = _spec(chart)
    (pick,) = [p for p in spec["params"] if p["name"] == interactive.PICK]
    assert pick["value"] == "Đà Nẵng" and pick["bind"]["input"] == "select"
    assert "Hà Nội" in pick["bind"]["options"]
    values = spec["data"]["values"]
    danang = [v for v in values if v["province"] == "Đà Nẵng"]
    assert {v["rank_text"] for v in danang} == {"1/3"} and "70,00" in {v["score_text"] for v in danang}
    hanoi = sorted((v["year"], v["rank"]) for v in values if v["province"] == "Hà Nội")
    assert hanoi == [(2007, 2.0), (2020, 2.0)]  # no edition between them is held: no gap row
    gap = rows(
        [(2005, DN, "Đà Nẵng", 1.0, 1, 2), (2006, HN, "Hà Nội", 1.0, 1, 2), (2007, DN, "Đà Nẵng", 1.0, 1, 2)]
    )
    values = _spec(interactive.rank_lines(gap, "en"))["data"]["values"]
    assert {"province": "Đà Nẵng", "year": 2006.0} in [
        {k: v[k] for k in ("province", "year")} for v in values if v["rank"] is None
    ]
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == [
        "Đơn vị",
        "Chỉ số",
        "Năm",
        "Thứ hạng",
        "Điểm",
    ]


def test_interactive_charts_are_byte_identical_from_one_run_to_the_next():
    pci = PANEL[PANEL["index"].eq("pci")]
    first = interactive.ranked_bars(pci, 2020, "en", highlight=["Hà Nội"]).to_html()
    assert interactive.ranked_bars(pci, 2020, "en", highlight=["Hà Nội"]).to_html() == first
    assert "view_" not in first and "param_" not in first  # no counter-made names


def test_the_interactive_map_draws_every_unit_and_says_which_have_no_value():
    everyone = [(c, p.name) for c, p in provinces().items() if not p.merged_into]
    data = rows([(2020, c, n, 50.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone[:60])])
    chart = interactive.choropleth(data, "provinces_63", [2020], "en", highlight=["Quảng Ninh"])
    spec = _spec(chart)
    assert chart.outlines == "provinces_63" and 'data-outlines="provinces_63"' in chart.to_html()
    values = spec["data"]["values"]
    assert len(values) == 63
    blank = [v for v in values if v["score"] is None]
    assert {v["province"] for v in blank} == {n for _, n in everyone[60:]}
    assert {v["score_text"] for v in blank} == {"no value in the data held"}
    assert spec["transform"][1]["from"]["data"] == {"name": "outlines_provinces_63"}


def test_a_page_with_a_chart_loads_the_vendored_scripts_once_and_others_none(project_paths):
    page = "<html><body><p>x</p></body></html>"
    assert vendor.add_scripts(page) == page
    chart = interactive.scatter(
        pd.DataFrame({"province": ["A", "B"], "x_score": [1.0, 2.0], "y_score": [3.0, 4.0]}),
        "pci",
        "papi",
        "en",
    )
    with_chart = vendor.add_scripts(f"<html><body>{chart.to_html()}{chart.to_html()}</body></html>")
    sources = re.findall(r'<script src="([^"]+)"', with_chart)
    assert sources == [f"vendor/{vendor.bundle_name()}", "vendor/outlines.js", "vendor/egov-charts.js"]
    assert "http" not in "".join(sources)


def test_the_vendored_bundle_is_the_packages_and_fetches_nothing(tmp_path, real_processed):
    written = vendor.write_vendor(tmp_path, real_processed)
    names = {p.name for p in written}
    assert names == {vendor.bundle_name(), vendor.OUTLINES, vendor.RENDERER}
    bundle = (tmp_path / vendor.VENDOR / vendor.bundle_name()).read_text("utf-8")
    assert "window.vegaEmbed=" in bundle.replace(" ", "")
    outlines = (tmp_path / vendor.VENDOR / vendor.OUTLINES).read_text("utf-8")
    shapes = json.loads(outlines.removeprefix("window.egovOutlines = ").rstrip(";\n"))
    assert len(shapes["provinces_63"]) == 63 and len(shapes["units_34"]) == 34
    assert vendor.write_vendor(tmp_path, real_processed) == []  # the same bytes: nothing rewritten
    assert "fetch(" not in vendor.RENDERER_JS and "http" not in vendor.RENDERER_JS


def test_maps_by_year_draw_one_small_map_per_year_on_one_scale(real_processed, tmp_path):
    from egov_analysis import plots

    everyone = [(c, p.name) for c, p in provinces().items() if not p.merged_into]
    data = pd.concat(
        [
            rows([(2020, c, n, 50.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone)]),
            rows([(2021, c, n, 40.0 + i, i + 1, 63) for i, (c, n) in enumerate(everyone[:61])]),
        ],
        ignore_index=True,
    )
    ctx = plots.DrawingContext(lang="vi", out_dir=tmp_path)
    chart = plots.maps_by_year(ctx, data, [2020, 2021], highlight=["Quảng Ninh"])
    assert chart.kind == "maps_by_year" and chart.text_problems() == ()
    assert sorted(chart.data["year"].unique()) == [2020, 2021]
    assert len([ax for ax in chart.figure.axes if ax.get_title()]) == 2
    assert "2021: 2" in chart.alt_text and "Bản đồ" in chart.alt_text
    assert {p.suffix for p in chart.paths} == {".png", ".svg", ".csv"}


def test_a_units_rank_charts_come_one_per_unit_the_unit_itself_named_as_such():
    series = profiles.rank_series(profiles.history(PANEL, profiles.subject("Đà Nẵng", "34")), "vi")
    names = [name for name, _ in series]
    assert names == ["Đà Nẵng (34 đơn vị hành chính cấp tỉnh từ năm 2025)", "Đà Nẵng", "Quảng Nam"]
    assert series[0][1]["rank"].tolist() == [17]


def test_a_merged_units_sub_index_bars_say_they_are_a_derived_mean():
    assert atlas_sections.subject_label(profiles.subject("Huế", "34"), "en") == "Huế"
    label = atlas_sections.subject_label(profiles.subject("Đà Nẵng", "34"), "vi")
    assert label == "Đà Nẵng, trung bình các tỉnh hợp thành†"


# --- names as the reader knows them, and the computed mark's legend (issue 22 on the atlas) ------

HCM = "79"


def test_the_atlas_names_the_city_as_its_reader_knows_it_and_links_it_by_its_key(real_processed, tmp_path):
    from egov_analysis import plots

    everyone = [(c, p.name) for c, p in provinces().items() if not p.merged_into]
    best_hcm = [(c, n, 90.0 if c == HCM else 50.0 + i / 10) for i, (c, n) in enumerate(everyone)]
    data = rows([(2020, c, n, s, None, 63) for c, n, s in best_hcm])
    data = data.assign(rank=data["score"].rank(ascending=False).astype("Int64"))
    for lang, shown in (("vi", "TP. Hồ Chí Minh"), ("en", "Ho Chi Minh City")):
        html = atlas_sections.full_ranking_table(data, 2020, lang).as_raw_html()
        assert f'<a href="profile_ho_chi_minh_{lang}.reviewer.html">{shown}</a>' in html
        chart = plots.maps_by_year(plots.DrawingContext(lang=lang, out_dir=tmp_path), data, [2020])
        assert f"2020: {shown}" in chart.alt_text and "Hồ Chí Minh;" not in chart.alt_text
        bars = _spec(interactive.ranked_bars(data, 2020, lang, highlight=["Hồ Chí Minh"]))
        (pick,) = [p for p in bars["params"] if p["name"] == interactive.PICK]
        assert pick["value"] == shown and "Hồ Chí Minh" not in pick["bind"]["options"]
        assert shown in {v["province"] for v in bars["data"]["values"]}
        city = profiles.subject("Hồ Chí Minh", "34")
        assert shown in atlas_sections.unit_intro(city, lang).data
        assert atlas_sections.subject_label(city, lang).startswith(shown)
    paths = config.paths()
    titles = {r.name: r.title for r in select(load_reports(paths.root / "reports.toml", paths.notebooks))}
    assert "TP. Hồ Chí Minh" in titles["profile_ho_chi_minh_vi"]
    assert "Ho Chi Minh City" in titles["profile_unit_ho_chi_minh_en"]


def test_a_units_findings_with_a_computed_rank_explain_the_mark_once():
    computed = PANEL.assign(
        rank_basis=PANEL["rank_basis"].where(
            ~(PANEL["index"].eq("dti") & PANEL["province_code"].eq(QNAM)), "computed"
        )
    )
    for lang in ("en", "vi"):
        found = profiles.key_findings(computed, profiles.subject("Đà Nẵng", "34"), lang, "Đà Nẵng").sentences
        legend = fmt.computed_legend(lang)
        assert any("57 / 63†" in s or "57/63†" in s for s in found), found
        assert [str(s) for s in found].count(legend) == 1 and str(found[-1]) == legend
    plain = profiles.key_findings(PANEL, profiles.subject("Đà Nẵng", "34"), "en", "Đà Nẵng").sentences
    assert fmt.computed_legend("en") not in [str(s) for s in plain]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_profiles_interactive_indices_follow_the_static_charts_order_in_both_languages(lang):
    """The interactive rank lines of a profile list the indices in the order of the static chart,
    its alt text and the headline table (by index id), in both languages: Vega-Lite's own sort by
    name put "Xếp hạng chính quyền điện tử" last in the Vietnamese edition only."""
    egov = rows([(2017, DN, "Đà Nẵng", 0.7, 2, 3)], index="egov_mic")
    ict = rows([(2017, DN, "Đà Nẵng", 0.6, 3, 3)], index="ict")
    spec = _spec(interactive.rank_lines(pd.concat([PANEL, egov, ict]), lang, colour="index"))
    layer = spec.get("layer", [spec])[0]
    order = layer["encoding"]["color"]["sort"]
    ids = ["dti", "egov_mic", "ict", "pci"]
    assert order == [fmt.display_name("index", i, lang) for i in ids]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_computed_score_in_the_findings_carries_the_mark(lang):
    """A PAPI total the project summed from the dimensions is marked where the findings name it,
    as the tables beside them mark it."""
    from egov_analysis.analysis.findings import profile_findings

    summed = rows([(2024, DN, "Đà Nẵng", 43.2125, pd.NA, 63)], index="papi").assign(score_basis="computed")
    said = " ".join(profile_findings(summed, DN, lang, "Đà Nẵng").sentences)
    assert re.search(r"43[.,]21†", said), said
    printed = summed.assign(score_basis="published")
    assert "†" not in " ".join(profile_findings(printed, DN, lang, "Đà Nẵng").sentences)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_rank_charts_footer_counts_the_units_its_own_ranks_are_among(lang):
    """A unit's chart ranks among 34 units: the footer says 34, not a range written into the
    catalogue (DTI 2024 alone is no chart: the sentence in its place says 17 / 34)."""
    from egov_analysis import plots
    from egov_analysis.plots import DrawingContext

    ranks = rows([(2024, DN, "Đà Nẵng", 0.7069, 17, 34)], index="dti", geography="units_34")
    said = plots.index_ranks_chart(DrawingContext(lang=lang, out_dir=None), ranks, "Đà Nẵng")
    assert fmt.rank(17, 34, lang) in said.reason and "42" not in said.reason, said.reason
    two = pd.concat([ranks, ranks.assign(year=2023, rank=20)])  # two years make a chart
    chart = plots.index_ranks_chart(DrawingContext(lang=lang, out_dir=None), two, "Đà Nẵng")
    assert "(34 " in chart.footer and "42" not in chart.footer and "64" not in chart.footer, chart.footer


def test_the_bundle_is_made_once_per_version_on_a_machine(tmp_path, monkeypatch):
    """A build into a new folder copies the bundle kept in the user's cache instead of making it
    again (~1.5 CPU-s each); the kept copy is the package's bundle."""
    import vl_convert

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    vendor.vega_bundle.cache_clear()
    made = vendor.vega_bundle()
    kept = tmp_path / "cache" / "egov-analysis" / "vendor" / vendor.bundle_name()
    assert kept.read_text("utf-8") == made == str(vl_convert.javascript_bundle(vendor.GLOBALS))
    vendor.vega_bundle.cache_clear()
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda _: pytest.fail("made again"))
    assert vendor.vega_bundle() == made
    vendor.vega_bundle.cache_clear()
    monkeypatch.undo()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # no folder can be made there
    try:
        assert vendor.vega_bundle() == made  # made, not kept, and no error
    finally:
        vendor.vega_bundle.cache_clear()
