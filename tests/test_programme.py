"""The programme, provincial budget and CPI tables built from the project's real raw data."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from egov_analysis import config
from egov_analysis.analysis.real import MissingCpiError, phase_totals, price_level, to_real
from egov_analysis.clean.problems import Problems
from egov_analysis.clean.programme import ProgrammeMappingWarning, build_programme_tables
from egov_analysis.datasets import load

BILLION = 10**9


@pytest.fixture(scope="module")
def processed(real_processed) -> config.Paths:
    return real_processed


def test_programme_budgets_come_out_exactly(processed):
    budget = load("budget", processed).set_index(["phase_id", "item"])
    assert budget.loc[("egov_plan_2012_2014", "scheme_total"), "amount_vnd"] == 646 * BILLION
    assert budget.loc[("egov_stage_2017_2020", "projects_approved_2017"), "amount_vnd"] == 330_900_000_000
    assert budget.loc[("egov_stage_2017_2020", "projects_approved_2017"), "basis"] == "approved"
    assert budget.loc[("egov_stage_2017_2020", "new_projects_2018_2020"), "amount_vnd"] == 86 * BILLION
    assert budget.loc[("egov_stage_2017_2020", "new_projects_2018_2020"), "basis"] == "planned"
    tranches = budget.xs("egov_plan_2012_2014").query("level == 'tranche'")["amount_vnd"]
    assert tranches.to_dict() == {
        "tranche_2012": 100 * BILLION,
        "tranche_2013": 299 * BILLION,
        "tranche_2014": 247 * BILLION,
    }
    assert budget["source_url"].str.startswith("http").all()


def test_counts_of_projects_and_tasks_stay_beside_their_amounts(processed):
    budget = load("budget", processed).set_index("item")
    approved = budget.loc["projects_approved_2017"]
    assert approved["n_projects_or_tasks"] == 7
    assert pd.isna(approved["n_projects"]) and pd.isna(approved["n_tasks"])
    planned = budget.loc["new_projects_2018_2020"]
    assert (planned["n_projects"], planned["n_tasks"]) == (9, 3)
    assert (planned["year_start"], planned["year_end"]) == (2018, 2020)
    assert planned["source_title"] == "“Chìa khóa” của xây dựng chính quyền điện tử"
    assert planned["source_date"] == "2018-08-16"


def test_the_571_of_a_document_sharing_copy_is_a_listed_loss_not_a_conflict(processed):
    # the 571 billion VND and the DTI top-3 goal came only from a document-sharing site's copy
    # (123docz.net) and the Quảng Nam portal: refused sources, so no conflict is built on them
    # (this test pinned the 646 vs 571 conflict before) and the loss is listed
    conflicts = load("programme_conflicts", processed)
    assert conflicts.query("table == 'budget' and key == 'egov_plan_2012_2014/scheme_total'").empty
    lost = load("lost_values", processed)
    row = lost[lost["value"].str.contains("571")].iloc[0]
    assert "123docz.net" in row["source_url"] and "document-sharing" in row["reason"]
    assert lost["source_url"].str.contains("quangnam.gov.vn").sum() == 3
    projects = conflicts.query("table == 'milestones'").iloc[0]
    assert (projects["chosen_value"], projects["other_value"]) == ("32", "9")


def test_22_of_22_goals_are_tied_to_the_end_of_2017(processed):
    goals = load("goals", processed).set_index(["phase_id", "goal"])
    basic = goals.loc[("egov_scheme_2012_2017", "basic_goals")]
    assert (basic["target"], basic["achieved"], basic["status"]) == (22, 22, "met")
    assert (basic["year_start"], basic["year_end"]) == (2017, 2017)
    assert "end of 2017" in basic["metric"] and basic["quote_vi"].startswith("Tính đến hết năm 2017")
    assert ("egov_plan_2012_2014", "basic_goals") not in goals.index  # not the 2012-2014 plan's
    main = goals.loc[("egov_stage_2017_2020", "main_goals")]
    assert (main["target"], pd.isna(main["achieved"]), main["status"]) == (6, True, "unknown")
    assert (main["year_start"], main["year_end"]) == (2017, 2020)


def test_phases_as_the_sources_state_them(processed):
    phases = load("phases", processed)
    by_id = phases.groupby("phase_id")
    plan = by_id.get_group("egov_plan_2012_2014").iloc[0]
    assert plan["legal_basis"] == "QĐ 2459/QĐ-UBND (2012-09-28)"
    assert (plan["start_year"], plan["end_year"]) == (2012, 2014)
    scheme = by_id.get_group("egov_scheme_2012_2017").iloc[0]
    assert (scheme["start_year"], scheme["end_year"]) == (2012, 2017)
    assert scheme["source_url"] == "https://baoquangninh.vn/" and scheme["source_date"] == "2018-08-16"
    next_stage = by_id.get_group("egov_next_stage_2015").iloc[0]
    assert next_stage["start_year"] == 2015 and pd.isna(next_stage["end_year"])
    assert next_stage["known_until"] == 2018  # the article speaks of it as under way
    stage = by_id.get_group("egov_stage_2017_2020")
    assert len(stage) == 2 and set(stage["end_year"]) == {2020}  # the article and VietnamPlus
    smart = by_id.get_group("smart_city_2017_2020").set_index("start_year")
    assert set(smart.index) == {2016, 2017}
    repository = by_id.get_group("digital_repository_2020_2025").iloc[0]
    assert (repository["start_year"], repository["end_year"], repository["kind"]) == (2020, 2025, "task")
    assert "digital_transformation_2022_2025" in set(phases["phase_id"])
    assert not phases.set_index("phase_id").loc["it_plan_2011_2015", "in_programme"]


def test_disagreeing_periods_are_both_kept_and_listed(processed):
    conflicts = load("programme_conflicts", processed).query("table == 'phases'")
    pairs = set(zip(conflicts["chosen_value"], conflicts["other_value"], strict=True))
    assert ("2015–", "2017–2020") in pairs  # next stage from 2015 vs a second stage 2017-2020
    assert ("2012–2014", "2012–2017") in pairs  # the plan's period vs five years carried out
    assert ("2017–2020", "2016–") in pairs  # smart city: 2017-2020 vs from 2016
    assert conflicts["rule"].str.startswith("both periods kept").all()


def test_every_number_of_the_article_is_in_the_processed_data(processed):
    milestones = load("milestones", processed)
    article = milestones[milestones["source_title"].eq("“Chìa khóa” của xây dựng chính quyền điện tử")]
    assert article["source_url"].eq("https://baoquangninh.vn/").all()
    assert article["source_date"].eq("2018-08-16").all()
    values = dict(zip(article["metric"], article["value_as_printed"], strict=True))
    assert values["Wide-area network points"] == "229"
    assert values["Video-conference points (to commune level)"] == "231"
    assert values["Wide-area network: departments and agencies connected to the data centre"] == "27"
    assert values["Wide-area network: district People's Committees connected"] == "14"
    assert values["Wide-area network: district public administration centres connected"] == "14"
    assert values["State agencies (province to commune) with Internet for e-government systems"] == "100"
    assert values["Electronic documents sent and received: levels of government"] == "4"
    assert values["Administrative procedures received and handled online"] == "100"
    assert values["Digital signatures in use (named, no number given)"] == "Chữ ký số"
    assert values["Claim: PCI 2017 national rank"] == "1"
    assert values["Claim: PAR Index 2017 national rank"] == "1"
    assert values["Claim: ICT Index rank of 63, two years running (editions not named)"] == "4/63"
    assert article["topic"].eq("goal_text").sum() == 6


def test_milestones_keep_qualifiers_and_refusals(processed):
    milestones = load("milestones", processed)
    over = milestones.query("value_as_printed == '>1000'").iloc[0]
    assert (over["value"], over["qualifier"]) == (1000, ">")
    refused = milestones.query("kind == 'refused'")
    assert refused["value_as_printed"].tolist() == ["100 / 90"]
    assert refused["value"].isna().all() and "two percentages" in refused["parse_note"].iloc[0]
    wan = milestones.query("metric == 'Wide-area network points'").iloc[0]
    assert wan["value"] == 229 and wan["phase_id"] == "egov_scheme_2012_2017"


def test_provincial_budget_breaks_are_flagged_not_hidden(processed):
    budget = load("provincial_budget", processed)
    qn = budget.query("province_code == '22' and dataset == 'plan'")
    balance = qn.query("measure == 'balance_transfer'").set_index("year")["flag"]
    assert balance.loc[2012].startswith("series break: total transfer up to 2012")
    assert balance.loc[2013].startswith("series break: balance transfer only from 2013")
    project = budget.query("dataset == 'plan' and measure == 'project_transfer' and year == 2017")
    assert len(project) == 63 and not project["usable"].any()
    assert project["flag"].str.contains("repeats targeted_transfer").all()
    assert budget.query("year != 2017 or measure != 'project_transfer'")["usable"].all()


def test_blank_provinces_are_identified_only_when_certain(processed):
    budget = load("provincial_budget", processed)
    nam_dinh_2008 = budget.query("dataset == 'final' and year == 2008 and province_code == '36'")
    assert len(nam_dinh_2008) > 0
    assert nam_dinh_2008["flag"].str.contains("only province missing in 2008").all()
    unassigned = load("provincial_budget_unassigned", processed)
    assert set(unassigned["year"]) == {2006} and unassigned["source_row"].nunique() == 3
    assert set(unassigned["candidates"]) == {"Hà Nam, Nam Định, Quảng Nam"}


def test_cpi_prefers_gso_and_lists_world_bank_differences(processed):
    cpi = load("cpi", processed).set_index("year")
    assert cpi.loc[2007, "cpi_avg_change_pct"] == 8.3 and cpi.loc[2007, "source_org"].startswith("GSO")
    assert cpi.loc[2005, "source_org"].startswith("World Bank")
    assert cpi.loc[2005, "price_level"] == 100
    assert list(cpi.index) == list(range(2005, 2026))
    conflicts = load("programme_conflicts", processed).query("table == 'cpi'")
    assert len(conflicts) > 0 and conflicts["rule"].str.contains("GSO").all()


def test_real_amounts_use_the_chained_price_level():
    cpi = pd.DataFrame({"year": [2010, 2011, 2012], "cpi_avg_change_pct": [5.0, 10.0, 20.0]})
    assert price_level(cpi).to_dict() == {2010: 100.0, 2011: 110.00000000000001, 2012: 132.0}
    real = to_real(pd.Series([1_000_000]), pd.Series([2011]), 2012, cpi)
    assert real.iloc[0] == 1_200_000
    with pytest.raises(MissingCpiError, match="2013"):
        to_real(pd.Series([1]), pd.Series([2013]), 2012, cpi)


def test_a_gap_in_cpi_breaks_the_chain():
    cpi = pd.DataFrame({"year": [2010, 2011, 2013], "cpi_avg_change_pct": [5.0, 10.0, 20.0]})
    assert list(price_level(cpi).index) == [2010, 2011]


def test_phase_totals_nominal_and_real_without_per_year_amounts(processed):
    totals = phase_totals(load("budget", processed), load("cpi", processed), base_year=2024)
    totals = totals.set_index(["phase_id", "basis"])
    first = totals.loc[("egov_plan_2012_2014", "planned")]
    assert first["amount_vnd"] == 646 * BILLION
    assert first["amount_real_vnd"] > first["amount_vnd"]  # prices rose from 2012 to 2024
    assert totals.loc[("egov_stage_2017_2020", "approved"), "amount_vnd"] == 330_900_000_000
    assert set(totals["real_basis"]) == {"derived"}
    assert not any("per_year" in c for c in totals.columns)


def test_tranches_are_priced_in_their_own_year_when_cleaned(processed):
    budget = load("budget", processed).set_index("item")
    assert budget.loc["tranche_2013", "price_year"] == 2013
    assert budget.loc["tranche_2014", "price_year"] == 2014
    assert budget.loc["scheme_total", "price_year"] == 2012
    assert budget.loc["new_projects_2018_2020", "price_year"] == 2018


def test_mapping_tables_warn_about_unmapped_and_unused_names(tmp_path):
    raw = tmp_path / "raw"
    real = config.paths().raw
    for name in ("programme/facts.csv", "programme/phases.csv"):
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes((real / name).read_bytes())
    facts = pd.read_csv(raw / "programme" / "facts.csv", dtype=str, keep_default_na=False)
    facts.loc[0, "phase"] = "A phase nobody mapped"
    facts = facts[~facts["phase"].eq("Trung tâm điều hành TPTM")]
    facts.to_csv(raw / "programme" / "facts.csv", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_programme_tables(raw, Problems())
    messages = [str(w.message) for w in caught if issubclass(w.category, ProgrammeMappingWarning)]
    assert any("not mapped" in m and "A phase nobody mapped" in m for m in messages)
    assert any("never used" in m and "Trung tâm điều hành TPTM" in m for m in messages)


def test_real_data_build_warns_about_nothing(processed):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProgrammeMappingWarning)
        build_programme_tables(config.paths().raw, Problems())
