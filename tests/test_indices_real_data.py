"""Integration tests on the project's real raw data, and checks against ../shared/reference."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from egov_analysis import config, meta
from egov_analysis.provinces import resolve_codes
from egov_analysis.sources import (
    compiled,
    papi,
    pci_panel,
    pci_subindex_panel,
    press_tables,
    programme,
    vcci_pci,
)

PCI_SUBINDICES_2005_2016 = {
    2005: 9,
    **dict.fromkeys(range(2006, 2009), 10),
    **dict.fromkeys(range(2009, 2013), 9),
    **dict.fromkeys(range(2013, 2017), 10),
}


@pytest.fixture(scope="module")
def tables(real_processed) -> dict[str, pd.DataFrame]:
    processed = real_processed.processed
    return {
        name: pd.read_parquet(processed / f"{name}.parquet")
        for name in ("indices", "index_conflicts", "coverage")
    }


def test_every_value_carries_its_source_url(tables):
    indices = tables["indices"]
    assert indices["source_url"].str.match(r"https?://").all()
    ranked = indices["rank"].notna()
    assert indices.loc[ranked, "rank_source_url"].str.match(r"https?://").all()


def test_every_row_carries_the_class_of_its_source(real_processed):
    """``source_class`` on every row of indices and of the programme tables, the class of the
    row's own source URL (meta/source_classes.csv); a conflict names both classes."""
    processed = real_processed.processed
    classes = set(meta.source_classes()["class"])
    for name in ("indices", "phases", "budget", "goals", "milestones", "provincial_budget", "cpi"):
        frame = pd.read_parquet(processed / f"{name}.parquet")
        expected = meta.classify_sources(frame["source_url"])["source_class"]
        assert frame["source_class"].notna().all(), name
        assert set(frame["source_class"]) <= classes, name
        assert frame["source_class"].astype(str).tolist() == expected.astype(str).tolist(), name
    conflicts = pd.read_parquet(processed / "programme_conflicts.parquet")
    for side in ("chosen", "other"):
        expected = meta.classify_sources(conflicts[f"{side}_source_url"])["source_class"]
        assert conflicts[f"{side}_source_class"].astype(str).tolist() == expected.astype(str).tolist()


def test_key_is_unique_and_codes_are_strings(tables):
    indices = tables["indices"]
    assert not indices.duplicated(["index", "year", "geography", "province_code", "indicator"]).any()
    assert indices["province_code"].str.fullmatch(r"\d\d").all()


def test_pci_2005_2016_and_2020_are_complete_with_every_subindex(tables):
    cov = tables["coverage"].query("index == 'pci'")
    for year, n_sub in PCI_SUBINDICES_2005_2016.items():
        year_cov = cov[cov["year"].eq(year)]
        assert len(year_cov) == n_sub + 1, year
        assert (year_cov["n_score"] == year_cov["n_ranked"]).all(), year
    overall = cov[cov["indicator"].eq("overall")].set_index("year")
    assert overall.loc[2020, "n_score"] == overall.loc[2020, "n_ranked"] == 63
    assert overall.loc[2020, "n_rank"] == 63


def test_pci_coverage_matches_the_reference_counts(tables):
    expected = {
        2005: 42,
        **dict.fromkeys(range(2006, 2009), 64),
        # 2017–2022 complete with the 2016–2022 panel; 2024: the press's 9 and SGGP's top 10
        **dict.fromkeys(range(2009, 2023), 63),
        2023: 4,
        2024: 14,
    }
    overall = tables["coverage"].query("index == 'pci' and indicator == 'overall'")
    assert overall.set_index("year")["n_score"].to_dict() == expected


def test_papi_covers_2011_2024_with_the_2018_break_recorded(tables):
    papi = tables["indices"].query("index == 'papi' and indicator == 'overall'")
    assert sorted(papi["year"].unique()) == list(range(2011, 2025))
    # the sums of the sub-dimension files (a third party's compilation, hnks-gh/ml-mcdm) are
    # computed; where the press or a government site prints the overall score, that published
    # value is cited (it was not while the files were wrongly classed as the publisher's own)
    assert papi["score_basis"].isin(["computed", "published"]).all()
    printed = papi[papi["score_basis"].eq("published")]
    assert not printed["source_url"].str.contains("github.com").any()
    assert len(printed) < 0.05 * len(papi)
    computed = papi[papi["score_basis"].eq("computed")]
    assert computed.loc[computed["year"].lt(2018), "note"].str.contains("6 dimensions").all()
    assert computed.loc[computed["year"].ge(2018), "note"].str.contains("series break").all()
    qn = papi[papi["province"].eq("Quảng Ninh")]
    assert 2021 not in set(qn["year"]) and 2023 not in set(qn["year"])  # real gaps stay gaps


def test_quang_ninh_pci_first_2017_to_2022(tables):
    pci = tables["indices"].query("index == 'pci' and indicator == 'overall' and province_code == '22'")
    ranks = pci.set_index("year")["rank"]
    assert all(ranks[y] == 1 for y in range(2017, 2023))
    assert pci.set_index("year").loc[2017:2022, "rank_basis"].eq("published").all()


def test_quang_ninh_par_ranks(tables):
    par = tables["indices"].query("index == 'par' and indicator == 'overall' and province_code == '22'")
    ranks = par.set_index("year")["rank"].to_dict()
    assert {y: ranks[y] for y in (2012, 2017, 2018, 2019, 2020, 2021, 2022, 2023)} == {
        2012: 19,
        2017: 1,
        2018: 1,
        2019: 1,
        2020: 1,
        2021: 2,
        2022: 1,
        2023: 1,
    }
    assert par.set_index("year").loc[2015, "rank_basis"] == "computed"  # read from list order


def test_known_source_conflicts_are_listed(tables):
    conflicts = tables["index_conflicts"]
    par_2018 = conflicts.query("index == 'par' and year == 2018 and province_code == '22'")
    assert set(par_2018[["chosen_value", "other_value"]].iloc[0]) == {"89.6", "89.06"}
    hai_phong = conflicts.query("index == 'par' and year == 2023 and province_code == '31'")
    assert set(hai_phong[["chosen_value", "other_value"]].iloc[0]) == {"91.81", "91.87"}
    # the VCCI workbook wins over the press for PCI 2006 Hà Nội (50.34 vs 50.5)
    hanoi = conflicts.query("index == 'pci' and year == 2006 and province_code == '01'").iloc[0]
    assert (hanoi["chosen_value"], hanoi["other_value"]) == ("50.337614", "50.5") or (
        hanoi["chosen_source_class"] == "publisher_file"
    )


def test_dti_2024_has_both_geographies_with_separate_codes(tables):
    dti = tables["indices"].query("index == 'dti' and year == 2024 and indicator == 'overall'")
    counts = dti.groupby("geography")["province_code"].nunique().to_dict()
    assert counts == {"provinces_63": 63, "units_34": 34}
    units = dti[dti["geography"].eq("units_34")]
    assert "Bắc Ninh" in set(units["province"]) and "Bắc Giang" not in set(units["province"])


# --- against ../shared/reference -------------------------------------------------------------


@pytest.mark.reference
def test_vcci_importer_agrees_with_reference_scores_ranks_and_tiers(reference_dir):
    rows = []
    for year in vcci_pci.SUMMARY_SHEETS:
        rows += vcci_pci.read_workbook(
            vcci_pci.workbook_path(reference_dir / "pci" / "vcci_workbooks", year), year
        )
    ours = pd.DataFrame(rows)
    ours["code"] = resolve_codes(ours["province"].astype("string"))
    ours["score"] = ours["score"].astype(float)
    ref = pd.read_csv(reference_dir / "pci" / "pci_scores.csv", dtype=str)
    ref = ref[ref["year"].astype(int) <= 2016].assign(year=lambda f: f["year"].astype(int))
    ref["code"] = resolve_codes(ref["province"])
    overall = ours[ours["indicator"].eq("overall")].merge(
        ref, on=["year", "code"], how="outer", indicator=True, suffixes=("", "_ref")
    )
    assert overall["_merge"].eq("both").all()
    assert (overall["score"] - overall["score_unrounded"].astype(float)).abs().max() < 1e-9
    assert (overall["rank"].astype(int) == overall["rank_ref"].astype(int)).all()
    assert (overall["tier"].fillna("") == overall["tier_ref"].fillna("")).all()

    subs = pd.read_csv(reference_dir / "pci" / "pci_subindices.csv", dtype=str)
    subs = subs[subs["year"].astype(int) <= 2016].assign(year=lambda f: f["year"].astype(int))
    subs["code"] = resolve_codes(subs["province"])
    ours_sub = ours[ours["indicator"].ne("overall")]
    # the reference labels each sub-index in English; ours are snake_case: compare by value sets
    merged = ours_sub.merge(subs, on=["year", "code"], suffixes=("", "_ref"))
    merged = merged[(merged["score"] - merged["score_unrounded"].astype(float)).abs() < 1e-9]
    pairs = merged.groupby(["indicator", "subindex"]).size()
    label_of = pairs.reset_index().sort_values(0).drop_duplicates("subindex", keep="last")
    label_of = dict(zip(label_of["subindex"], label_of["indicator"], strict=True))
    subs["indicator"] = subs["subindex"].map(label_of)
    check = subs.merge(
        ours_sub, on=["year", "code", "indicator"], how="outer", indicator=True, suffixes=("_ref", "")
    )
    assert len(subs) == len(ours_sub) == 7086
    assert check["_merge"].eq("both").all()
    assert (check["score"] - check["score_unrounded"].astype(float)).abs().max() < 1e-9


@pytest.mark.reference
def test_papi_raw_and_dimensions_agree_with_reference(reference_dir, tables):
    rows = []
    for year in papi.YEARS:
        rows += papi.read_year(reference_dir / "papi" / "yearly_subdimension_files", year)
    ref = pd.read_csv(reference_dir / "papi" / "papi_subdimensions.csv", dtype=str)
    assert len(rows) == len(ref)
    ours = pd.DataFrame(rows)
    assert sorted(ours["score"].astype(float)) == sorted(ref["score"].astype(float))
    dims = pd.read_csv(reference_dir / "papi" / "papi.csv")
    dims["code"] = resolve_codes(dims["province"])
    aggregate = dims["dimension"].str.startswith("Aggregate")
    dims["indicator"] = dims["dimension"].where(~aggregate, "overall")
    levels = meta.indicator_definitions().query("index == 'papi' and level != 'subdimension'")
    built = tables["indices"].query("index == 'papi'")
    built = built[built["indicator"].isin(levels["indicator"]) & built["score"].notna()]
    # every dimension and overall score of the reference is held: the sum (computed), or a
    # value the press or a government site prints (published) that agrees with the sum at its
    # printed precision or is listed as a conflict with it
    assert len(built) == len(dims)
    computed = built[built["score_basis"].eq("computed")]
    ref_sum = dims.groupby(["year", "code"])["score"].sum()
    ours_sum = built.groupby(["year", "province_code"])["score"].sum()
    assert (ours_sum.sort_index().index.to_numpy() == ref_sum.sort_index().index.to_numpy()).all()
    only_computed = (
        computed.groupby(["year", "province_code"])["score"]
        .size()
        .eq(built.groupby(["year", "province_code"])["score"].size())
    )
    keys = only_computed[only_computed.fillna(False)].index
    assert abs(ours_sum[keys].to_numpy(dtype=float) - ref_sum[keys].to_numpy()).max() < 1e-3
    printed = built[built["score_basis"].eq("published")]
    conflicts = tables["index_conflicts"].query("index == 'papi' and field == 'score'")
    listed = set(zip(conflicts["year"], conflicts["province_code"], conflicts["indicator"], strict=True))
    for row in printed.itertuples(index=False):
        # agreement at the precision the source printed ("3.7" is 3.7099 at one decimal)
        decimals = len(f"{row.score:g}".partition(".")[2])
        assert (row.year, row.province_code, row.indicator) in listed or row.score == pytest.approx(
            computed_sum(dims, row), abs=0.5 * 10.0**-decimals + 1e-9
        ), row


def computed_sum(dims: pd.DataFrame, row) -> float:
    """The reference's score of one PAPI dimension (or overall) for a row of indices."""
    hit = dims[dims["year"].eq(row.year) & dims["code"].eq(row.province_code)]
    names = meta.indicator_definitions().query("index == 'papi'").set_index("indicator")["name_en"]
    if row.indicator == "overall":
        return float(hit.loc[hit["indicator"].eq("overall"), "score"].iloc[0])
    return float(hit.loc[hit["dimension"].str.lower().eq(str(names[row.indicator]).lower()), "score"].iloc[0])


@pytest.mark.reference
def test_every_compiled_reference_value_is_present_with_its_source(reference_dir, tables):
    indices = tables["indices"]
    raw = config.paths().raw
    for relative, (index, name) in compiled.COMPILED_TABLES.items():
        ref = pd.read_csv(reference_dir / relative, dtype=str, keep_default_na=False)
        ours = pd.read_csv(raw / index / name, dtype=str, keep_default_na=False)
        with_value = ref[(ref["score"] != "") | (ref["rank"] != "") | (ref.get("rank_computed", "") != "")]
        # copies cite their original (a row the original already gives goes); refused sources go
        originals = meta.source_originals()
        copied = with_value["source_url"].isin(list(originals))
        with_value = with_value.assign(source_url=with_value["source_url"].replace(originals))
        same = ["year", "province", "indicator", "score", "rank", "source_url"]
        repeated = (
            copied
            & with_value.merge(
                with_value[~copied][same].drop_duplicates(), on=same, how="left", indicator=True
            )["_merge"]
            .eq("both")
            .to_numpy()
        )
        with_value = with_value[~repeated & with_value["source_url"].map(meta.url_problem).isna()]
        assert len(ours) == len(with_value), relative
        assert (ours["source_url"].to_numpy() == with_value["source_url"].to_numpy()).all()
        assert (ours["score"].to_numpy() == with_value["score"].to_numpy()).all()
    # and every reference key reaches the panel
    assert set(indices["index"]) == {"pci", "papi", "par", "sipas", "ict", "dti", "egov_mic"}
    egov = indices.query("index == 'egov_mic'")
    assert len(egov) == 53 and egov.set_index("province_code").loc["22", "rank"] == 4


@pytest.mark.reference
def test_second_sources_of_pci_are_kept_in_raw(reference_dir):
    conflicts = json.loads((reference_dir / "pci" / "pci_source_conflicts.json").read_text("utf-8"))
    raw = pd.read_csv(config.paths().raw / "pci" / "pci_second_sources.csv", dtype=str)
    impossible = [
        c
        for c in conflicts["score_rank_conflicts"]
        if c["field"] == "rank" and int(c["other"]) > compiled.MAX_UNITS_RANKED
    ]
    expected = (
        len(conflicts["score_rank_conflicts"]) - len(impossible) + len(conflicts["subindex_disagreements"])
    )
    # the four values of a wiki mirror (wikimili.com) are refused and listed in lost_values, not
    # kept (this test pinned all 44 before)
    wiki = [
        c
        for c in conflicts["score_rank_conflicts"] + conflicts["subindex_disagreements"]
        if "wikimili.com" in c["other_url"]
    ]
    assert len(raw) == expected - len(wiki) == 40
    assert not raw["source_url"].str.contains("wikimili").any()


def test_raw_files_are_nfc():  # that cleaning never writes them: tests/test_trust.py
    import unicodedata

    raw = config.paths().raw
    before = {p: p.stat().st_mtime_ns for p in raw.rglob("*.csv")}
    for path in before:
        text = Path(path).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path


@pytest.mark.reference
def test_importers_reproduce_the_committed_raw_files(reference_dir, tmp_path):
    vcci_pci.import_directory(reference_dir / "pci" / "vcci_workbooks", tmp_path, progress=False)
    papi.import_directory(reference_dir / "papi" / "yearly_subdimension_files", tmp_path)
    compiled.import_pci_compiled(reference_dir, tmp_path)
    compiled.import_compiled_tables(reference_dir, tmp_path)
    pci_panel.import_panel(reference_dir, tmp_path)
    press_tables.import_press_tables(reference_dir, tmp_path)
    pci_subindex_panel.import_panel(reference_dir, tmp_path)  # checked against the VCCI rows above
    programme.import_all(reference_dir, tmp_path)
    raw = config.paths().raw
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    assert made == sorted(p.relative_to(raw) for p in raw.rglob("*.csv"))
    for relative in made:
        assert (tmp_path / relative).read_bytes() == (raw / relative).read_bytes(), relative


def test_data_dictionary_is_generated_from_the_field_registry():
    from egov_analysis.fields import data_dictionary

    committed = (config.paths().root / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary() + "\n", "run `egov-analysis dictionary`"


def test_output_schema_refuses_a_duplicate_key(tables):
    import pandera.errors

    from egov_analysis.clean.indices_pipeline import conform
    from egov_analysis.fields import INDICES

    doubled = pd.concat([tables["indices"].head(2), tables["indices"].head(1)])
    with pytest.raises(pandera.errors.SchemaErrors):
        conform(doubled, INDICES)


def test_processed_tables_built_by_other_cleaning_code_are_stale(real_processed, monkeypatch):
    from egov_analysis import datasets
    from egov_analysis.clean import publish

    assert not datasets.is_stale(real_processed)
    assert publish.read_manifest(real_processed.processed)["code_fingerprint"] == publish.code_fingerprint()
    monkeypatch.setattr(datasets, "code_fingerprint", lambda: "a later version of the cleaning code")
    assert datasets.is_stale(real_processed)


def test_the_cleaning_code_fingerprint_does_not_depend_on_where_the_package_lies(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    from egov_analysis.clean import publish

    package = Path(publish.__file__).resolve().parents[1]
    copy = tmp_path / "messages" / "src" / "egov_analysis"  # a checkout inside a folder named "messages"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    code = "from egov_analysis.clean.publish import code_fingerprint; print(code_fingerprint())"
    env = {**os.environ, "PYTHONPATH": str(copy.parent)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == publish.code_fingerprint()


def test_a_manifest_that_is_not_an_object_is_no_manifest(tmp_path):
    from egov_analysis.clean import publish

    (tmp_path / publish.CURRENT).mkdir()
    for text in ("[]", '"x"', "3"):
        (tmp_path / publish.CURRENT / publish.MANIFEST).write_text(text, encoding="utf-8")
        assert publish.read_manifest(tmp_path) is None


def test_papi_2022_ranks_its_61_ranked_provinces_from_their_scores(tables):
    """PAPI 2022 ranked 61 provinces (Bắc Giang and Bắc Ninh left out): the ranks are computed
    from the 61 scores — with 63 in the editions table every 2022 rank was withheld."""
    papi = tables["indices"].query("index == 'papi' and year == 2022")
    overall = papi[papi["indicator"].eq("overall")]
    ranked = overall[overall["rank"].notna()]
    assert len(ranked) == 61 and (overall["n_ranked"] == 61).all()
    assert (ranked["rank_basis"] == "computed").all()
    expected = ranked["score"].rank(method="min", ascending=False).astype(int)
    assert ranked["rank"].astype(int).tolist() == expected.tolist()
    assert ranked.set_index("province").loc["Quảng Ninh", "rank"] == 1
    left_out = papi[papi["province"].isin(["Bắc Giang", "Bắc Ninh"])]
    assert left_out["score"].notna().any() and left_out["rank"].isna().all()
    cov = tables["coverage"].query("index == 'papi' and year == 2022")
    assert (cov["n_ranked"] == 61).all() and (cov["status"] == "complete").all()


def test_no_row_cites_a_refused_host_or_another_provinces_portal(real_processed):
    """Every processed source URL is accepted (no mirror, spam or unrelated site of
    meta/refused_hosts.csv); no Quảng Ninh programme fact cites another province's portal; the
    values left out for it are listed in lost_values."""
    from egov_analysis.sources.source_rows import foreign_portal

    processed = real_processed.processed
    for name in (
        "indices",
        "index_conflicts",
        "phases",
        "budget",
        "goals",
        "milestones",
        "programme_conflicts",
    ):
        frame = pd.read_parquet(processed / f"{name}.parquet")
        for column in [c for c in frame.columns if c.endswith("source_url")]:
            urls = frame[column].dropna().unique()
            assert not [u for u in urls if u.startswith("http") and meta.url_problem(u)], (name, column)
            if name not in ("indices", "index_conflicts"):  # the programme: Quảng Ninh's own facts
                own = frame if name != "milestones" else frame[~frame["topic"].str.startswith("rankings")]
                urls = own[column].dropna().unique() if column in own else []
                assert not [u for u in urls if u.startswith("http") and foreign_portal(u, "Quảng Ninh")]
    lost = pd.read_parquet(processed / "lost_values.parquet")
    assert lost["source_url"].str.contains("xemtivisohd.org").sum() >= 6  # PAPI 2024 Quảng Ninh
    assert lost["source_url"].str.contains("quangnam.gov.vn").sum() >= 3
    assert lost["reason"].str.len().gt(0).all()


@pytest.mark.parametrize(
    ("note", "rank", "read"),
    [
        # PAR 2013 Đà Nẵng: "topped" prints first place for the unit: published, not list order
        ('"topped ... fulfilling 87 per cent" (rounded) => rank 1', "1", False),
        ('"đứng đầu cả nước" => 1', "1", False),
        # the lowest needs the count ranked to become a number: read, not printed
        ('"came last in the index with nearly 59 per cent" => 63', "63", True),
        # leading a list whose order gives the place stays list order
        ('listing order "các địa phương dẫn đầu ... là" => 1', "1", True),
        ('list order: "topped by Đà Nẵng, followed by Hải Phòng" => 2', "2", True),
    ],
)
def test_first_place_in_words_is_a_printed_rank(note, rank, read):
    from egov_analysis.sources.compiled import rank_read_from_words

    assert rank_read_from_words(note, rank) is read


def test_par_2013_da_nang_first_place_is_published(tables):
    row = tables["indices"].query("index == 'par' and year == 2013 and province == 'Đà Nẵng'")
    assert row[["rank", "rank_basis"]].values.tolist() == [[1, "published"]]


def test_no_note_contradicts_its_rank_basis(tables):
    """A rank is published only where a source prints that number for that unit: no published
    rank whose note says it was read from a list's order or from words ("=> 63"), or computed,
    unless the note names the other source that prints it."""
    import re

    from egov_analysis.sources.compiled import rank_read_from_words

    indices = tables["indices"]
    published = indices[indices["rank_basis"].eq("published") & indices["note"].notna()]
    names_printer = published["note"].str.contains("the rank is printed by")
    contradicting = [
        (r.index, r.year, r.province, r.indicator, r.note)
        for r, named in zip(published.itertuples(index=False), names_printer, strict=True)
        if not named
        and (
            rank_read_from_words(str(r.note), str(r.rank))
            or re.match(r"rank (computed|derived)", str(r.note), re.IGNORECASE)
        )
    ]
    assert contradicting == []
    # list-order ranks are computed, with the list order in their note
    dti_2021 = indices.query(
        "index == 'dti' and year == 2021 and indicator == 'overall' and province == 'Lạng Sơn'"
    )
    assert dti_2021["rank_basis"].tolist() == ["computed"] and "list order" in dti_2021["note"].iloc[0]
