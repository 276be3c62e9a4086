"""A single year is written as one year, in both languages: never "2024–2024", never "each of 1
years" (the reviewer's language fault: template texts built for ranges of years)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from support import index_rows

from egov_analysis import formatting as fmt
from egov_analysis.meta import messages

# placeholders that hold a year: a catalogue text joining two of them with a dash writes
# "2024–2024" when they are the same year (a range goes through formatting.year_range instead)
_YEAR_PAIR = re.compile(
    r"\{(first|start|start_year|from_year|pre_start)\}\s*[–-]\s*\{(last|end|end_year|to_year)\}"
)


def test_a_range_of_one_year_is_that_year():
    assert fmt.year_range(2024, 2024) == "2024"
    assert fmt.year_range(2020, 2024) == "2020–2024"
    assert fmt.year_runs([2024]) == ["2024"] and fmt.year_span([2024, 2024], "en") == "2024"
    assert fmt.year_span([2005, 2006, 2007, 2010], "en") == "2005–2007 and 2010"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_catalogue_text_joins_two_year_fields_with_a_dash(lang):
    pairs = {key: value for key, value in messages.catalogue(lang).items() if _YEAR_PAIR.search(value)}
    assert pairs == {}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_report_title_for_one_edition_names_the_year_once(lang):
    from egov_analysis.reporting.matrix import display_fields

    parameters = {"index": "egov_mic", "start_year": 2017, "end_year": 2017, "indicator": "overall"}
    fields = {"index_upper": "EGOV_MIC", **display_fields(parameters, lang)}
    title = messages.text("report_title.ranking_indicator", lang, **fields)
    assert "2017" in title and "2017–2017" not in title
    ranged = display_fields({**parameters, "start_year": 2005, "end_year": 2024}, lang)
    assert ranged["years"] == "2005–2024"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_maps_of_one_year_say_one_year(lang, tmp_path):
    from egov_analysis import plots

    data = index_rows(
        [(2024, "22", "Quảng Ninh", 70.0, 1, 2), (2024, "01", "Hà Nội", 65.0, 2, 2)],
        ["year", "province_code", "province", "score", "rank", "n_ranked"],
        "pci",
        "overall",
        "provinces_63",
        source_url="https://example.org/a",
    )
    ctx = plots.DrawingContext(lang=lang, out_dir=tmp_path)
    chart = plots.maps_by_year(ctx, data, [2024], outlines=[])
    alt = chart.alt_text
    assert "2024" in alt and "2024–2024" not in alt
    assert {"en": "each of 1 year", "vi": "trong 1 năm"}[lang] not in alt
    assert {"en": "the one year held", "vi": "năm duy nhất"}[lang] in alt
    assert "2024–2024" not in chart.title
    two = plots.maps_by_year(ctx, pd.concat([data, data.assign(year=2023)]), [2023, 2024], outlines=[])
    assert "2023–2024" in two.alt_text


def test_the_data_dictionaries_give_a_one_edition_index_one_year():
    # the 2017 e-government ranking has one edition: the dictionaries wrote "2017–2017"
    from egov_analysis.fields import data_dictionary
    from egov_analysis.translated_dictionary import data_dictionary_in

    for page in (data_dictionary(), data_dictionary_in("vi")):
        line = next(x for x in page.splitlines() if x.startswith("| `egov_mic`"))
        assert "2017" in line and "2017–2017" not in line


def _dti_2024(codes_ranks: list[tuple[str, str, int]]) -> pd.DataFrame:
    return index_rows(
        [(2024, c, name, 0.7, r, 34) for c, name, r in codes_ranks],
        ["year", "province_code", "province", "score", "rank", "n_ranked"],
        "dti",
        "overall",
        "units_34",
        source_url="https://example.org/a",
    )


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_ranks_of_one_year_draw_no_chart_over_time_and_say_the_rank(lang, tmp_path):
    """Review M7/L8: a unit's "rank on every index" line chart was drawn for DTI 2024 alone (alt
    text "2024 to 2024 … best rank 4, worst 4"); the interactive rank lines drew one column of
    dots under "the picture above is the same chart". Now: the rank in a sentence, no chart."""
    from egov_analysis import plots
    from egov_analysis.plots import interactive

    ctx = plots.DrawingContext(lang=lang, out_dir=tmp_path)
    ranks = _dti_2024([("79", "Hồ Chí Minh", 4)])
    result = plots.index_ranks_chart(ctx, ranks, "TP. Hồ Chí Minh")
    assert isinstance(result, plots.NoChart)
    said = {"en": "DTI 2024 only, rank 4 / 34", "vi": "DTI chỉ có năm 2024, hạng 4/34"}[lang]
    assert said in result.reason and "2024–2024" not in result.reason
    assert not list(tmp_path.glob("*.png"))
    both = _dti_2024([("79", "Hồ Chí Minh", 4), ("01", "Hà Nội", 1)])
    assert interactive.rank_lines(both, lang) is None
    two_years = pd.concat([both, both.assign(year=2023)])
    assert interactive.rank_lines(two_years, lang) is not None
    assert not isinstance(plots.index_ranks_chart(ctx, two_years.iloc[[0, 2]], "x"), plots.NoChart)


@pytest.mark.parametrize(
    ("lang", "title", "alt", "papi_parts"),
    [
        (
            "en",
            "Ho Chi Minh City (mean of its member provinces†): PCI 2021",
            "Bar chart of the mean of Ho Chi Minh City's member provinces† on 2 PCI sub-indices",
            "2 PAPI dimensions",
        ),
        (
            "vi",
            "TP. Hồ Chí Minh (trung bình các tỉnh hợp thành†): PCI năm 2021",
            "trung bình các tỉnh hợp thành† của TP. Hồ Chí Minh trên 2 chỉ số thành phần PCI",
            "2 chỉ số nội dung PAPI",
        ),
    ],
)
def test_a_units_profile_bars_are_named_as_readers_know_it_and_as_its_members_mean(
    lang, title, alt, papi_parts, tmp_path
):
    """Review L1/L2: "Hồ Chí Minh: PCI 2021 against the best province" (the bare registry name,
    and no word that the bars are a mean of three provinces); PAPI's parts called sub-indicators."""
    from egov_analysis import plots

    profile = pd.DataFrame(
        {
            "indicator": ["entry_costs", "land_access"],
            "best_score": [9.1, 8.2],
            "best_province": ["Đà Nẵng", "Bắc Ninh"],
            "score": [8.0, 7.0],
        }
    )
    ctx = plots.DrawingContext(lang=lang, out_dir=tmp_path)
    chart = plots.profile_chart(ctx, profile, "Hồ Chí Minh", "pci", 2021, members_mean=True)
    assert chart.title.startswith(title) and alt in chart.alt_text, (chart.title, chart.alt_text)
    papi = profile.assign(indicator=["participation", "transparency"])
    one = plots.profile_chart(ctx, papi, "Quảng Ninh", "papi", 2024)
    assert papi_parts in one.alt_text and "sub-ind" not in one.alt_text and "thành phần" not in one.alt_text
