"""The contract: consistent, complete for the domain, and its doc is never stale."""

from __future__ import annotations

import pytest

from scorecard import contract_docs
from scorecard.contract import ContractError, _parse_column, load_contract, load_order


def test_generated_contract_doc_is_current():
    assert contract_docs.is_current(), "docs/data-contract.md is stale: run make contract-docs"


def test_contract_covers_the_four_sources_and_every_domain_entity():
    tables = load_contract()
    assert {t.source for t in tables.values()} == {"hr", "crm", "finance", "survey"}
    expected = {
        "hr.employees", "hr.role_assignments", "hr.targets", "hr.appeals", "hr.integrity_reviews",
        "crm.accounts",
        "crm.account_profile_changes", "crm.opportunities", "crm.orders", "crm.activities",
        "crm.inquiries", "crm.complaints", "crm.rfqs", "crm.channel_partners", "crm.contracts",
        "finance.invoices", "finance.payments", "finance.fx_rates", "finance.inventory_snapshots",
        "finance.report_submissions", "survey.csat_responses", "survey.nps_responses",
        "survey.reviews_360", "survey.training_attendance", "survey.knowledge_tests",
    }  # fmt: skip
    assert set(tables) == expected


def test_load_order_puts_referenced_tables_first():
    order = [t.qualified_name for t in load_order(load_contract())]
    for table in load_contract().values():
        for col in table.columns:
            if col.references:
                target = col.references.rpartition(".")[0]
                assert order.index(target) < order.index(table.qualified_name)


def test_unknown_rule_or_type_is_a_contract_error():
    with pytest.raises(ContractError, match="unknown rule"):
        _parse_column("t", {"name": "c", "data_type": "varchar", "config": {"meta": {"reqd": 1}}})
    with pytest.raises(ContractError, match="unsupported data_type"):
        _parse_column("t", {"name": "c", "data_type": "text"})


def test_survey_scales_match_the_domain():
    tables = load_contract()
    assert (tables["survey.csat_responses"].column("score").min,
            tables["survey.csat_responses"].column("score").max) == (1, 5)  # fmt: skip
    assert (tables["survey.nps_responses"].column("score").min,
            tables["survey.nps_responses"].column("score").max) == (0, 10)  # fmt: skip
    assert tables["survey.reviews_360"].column("score").max == 5
