"""The programme, provincial budget and CPI tables built from the project's real raw data."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from egov_analysis import config
from egov_analysis.analysis.real import MissingCpiError, phase_totals, price_level, to_real
from egov_analysis.clean.problems import Problems
from egov_analysis.clean.programme import ProgrammeMappingWarning, build_programme_tables
from egov_analysis.clean.run import clean
from egov_analysis.datasets import load

BILLION = 10**9


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> config.Paths:
    paths = config.paths(processed=tmp_path_factory.mktemp("processed"))
    clean(paths)
    return paths


def test_programme_budgets_come_out_exactly(processed):
    budget = load("budget", processed).set_index(["phase_id", "item"])
    assert budget.loc[("egov_2012_2014", "scheme_total"), "amount_vnd"] == 646 * BILLION
    assert budget.loc[("egov_2017_2020", "projects_approved_2017"), "amount_vnd"] == 330_900_000_000
    assert budget.loc[("egov_2017_2020", "projects_approved_2017"), "basis"] == "approved"
    assert budget.loc[("egov_2017_2020", "new_projects_2018_2020"), "amount_vnd"] == 86 * BILLION
    assert budget.loc[("egov_2017_2020", "new_projects_2018_2020"), "basis"] == "planned"
    tranches = budget.xs("egov_2012_2014").query("level == 'tranche'")["amount_vnd"]
    assert tranches.to_dict() == {
        "tranche_2012": 100 * BILLION,
        "tranche_2013": 299 * BILLION,
        "tranche_2014": 247 * BILLION,
    }
    assert budget["source_url"].str.startswith("http").all()


def test_the_646_571_conflict_is_kept_with_its_rule(processed):
    conflicts = load("programme_conflicts", processed)
    row = conflicts.query("table == 'budget' and key == 'egov_2012_2014/scheme_total'").iloc[0]
    assert (row["chosen_value"], row["other_value"]) == ("646", "571")
    assert "tranches add up" in row["rule"]
    goals = conflicts.query("table == 'goals'").iloc[0]
    assert (goals["chosen_value"], goals["other_value"]) == ("3", "5")  # DTI top-3 vs top-5
    projects = conflicts.query("table == 'milestones'").iloc[0]
    assert (projects["chosen_value"], projects["other_value"]) == ("32", "9")


def test_22_of_22_goals_met(processed):
    goals = load("goals", processed).set_index(["phase_id", "goal"])
    basic = goals.loc[("egov_2012_2014", "basic_goals")]
    assert (basic["target"], basic["achieved"], basic["status"]) == (22, 22, "met")
    main = goals.loc[("egov_2017_2020", "main_goals")]
    assert (main["target"], pd.isna(main["achieved"]), main["status"]) == (6, True, "unknown")


def test_phases_cover_the_programme(processed):
    phases = load("phases", processed).set_index("phase_id")
    assert phases.loc["egov_2012_2014", "legal_basis"] == "QĐ 2459/QĐ-UBND (2012-09-28)"
    assert (phases.loc["egov_2017_2020", ["start_year", "end_year"]] == [2017, 2020]).all()
    assert "digital_transformation_2022_2025" in phases.index


def test_milestones_keep_qualifiers_and_refusals(processed):
    milestones = load("milestones", processed)
    over = milestones.query("value_as_printed == '>1000'").iloc[0]
    assert (over["value"], over["qualifier"]) == (1000, ">")
    refused = milestones.query("kind == 'refused'")
    assert refused["value_as_printed"].tolist() == ["100 / 90"]
    assert refused["value"].isna().all() and "two percentages" in refused["parse_note"].iloc[0]
    wan = milestones.query("metric == 'Wide-area network points'").iloc[0]
    assert wan["value"] == 229 and wan["phase_id"] == "egov_2012_2014"


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


def test_phase_totals_nominal_and_real(processed):
    totals = phase_totals(
        load("budget", processed), load("phases", processed), load("cpi", processed), base_year=2024
    ).set_index(["phase_id", "basis"])
    first = totals.loc[("egov_2012_2014", "planned")]
    assert first["amount_vnd"] == 646 * BILLION and first["n_years"] == 3
    assert first["per_year_vnd"] == round(646 * BILLION / 3)
    assert first["amount_real_vnd"] > first["amount_vnd"]  # prices rose from 2012 to 2024
    assert totals.loc[("egov_2017_2020", "approved"), "amount_vnd"] == 330_900_000_000
    assert set(totals["real_basis"]) == {"derived"}


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


def test_tranches_are_in_the_prices_of_their_total(processed):
    budget = load("budget", processed).set_index("item")
    assert set(budget.loc[["tranche_2012", "tranche_2013", "tranche_2014"], "price_year"]) == {2012}
    assert budget.loc["new_projects_2018_2020", "price_year"] == 2018
