"""The `handoff check` eval: seeded pairs, scoring, and a small run of the real pipeline."""

import json
from decimal import Decimal
from typing import Any

import pytest

from evals.check import AGREEING_KINDS, KINDS, build_pair, truth_record
from evals.check.__main__ import main
from evals.check.report import per_code
from evals.check.run import Outcome, fields_read, same_value
from triage.names import same_entity
from triage.policy import load_policy

SEED = 3


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One text-PDF pair per discrepancy through parse → offline extraction → find_gaps → rank."""
    results = tmp_path_factory.mktemp("results")
    arguments = ["--seed", str(SEED), "--pairs-per-kind", "1", "--scanned-share", "0"]
    assert main([*arguments, "--results", str(results)]) == 0
    assert (results / "check-gaps.md").read_text().startswith("# `handoff check` on seeded SOW + CRM pairs")
    summary: dict[str, Any] = json.loads((results / "check-gaps.json").read_text())
    return summary


def test_pairs_are_reproducible_and_scans_do_not_change_their_content() -> None:
    for kind in KINDS:
        pair = build_pair(SEED, kind, 4)
        assert pair == build_pair(SEED, kind, 4)
        assert pair.scanned_pages == ()
        scanned = build_pair(SEED, kind, 4, scanned_share=1.0)
        assert scanned.scanned_pages and scanned.values == pair.values
        assert scanned.opportunity == pair.opportunity and scanned.expected == pair.expected


def test_crm_side_discrepancies_are_seeded_in_the_opportunity() -> None:
    def pair_of(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
        pair = build_pair(SEED, kind, 0)
        return pair.values, pair.opportunity.model_dump(mode="json")

    values, crm = pair_of("value_minus_10pct")
    assert values["total_contract_value"] / crm["amount"] == pytest.approx(0.9, abs=1e-6)
    values, crm = pair_of("value_within_0_5pct")
    assert 0 < abs(crm["amount"] / values["total_contract_value"] - 1) < 0.005
    threshold = load_policy().thresholds.name_match
    values, crm = pair_of("name_variant")
    assert crm["account_name"] != values["client_name"]
    assert same_entity(crm["account_name"], values["client_name"], threshold)
    values, crm = pair_of("different_entity")
    assert not same_entity(crm["account_name"], values["client_name"], threshold)
    values, crm = pair_of("currency_differs")
    assert crm["currency"] != values["currency"] and crm["amount"] == values["total_contract_value"]


def test_document_side_discrepancies_are_in_the_documents_truth() -> None:
    assert build_pair(SEED, "net_60_90", 0).values["payment_terms_days"] in {60, 90}
    uncapped = build_pair(SEED, "uncapped_time_and_materials", 0).values
    assert (uncapped["billing_model"], uncapped["not_to_exceed"]) == ("time_and_materials", None)
    assert build_pair(SEED, "unsigned", 0).values["signed"] is False
    milestones = build_pair(SEED, "milestone_sum_off", 0).values
    added = sum(Decimal(str(item["amount"])) for item in milestones["milestones"])
    assert added != Decimal(str(milestones["total_contract_value"]))


def test_clean_pairs_expect_nothing_and_every_other_pair_something() -> None:
    for kind in KINDS:
        pair = build_pair(SEED, kind, 1)
        assert pair.values["signed"] is True or kind == "unsigned"
        assert bool(pair.expected) is (kind not in AGREEING_KINDS)


def test_the_scoring_counts_a_miss_and_an_unexpected_gap() -> None:
    pair = build_pair(SEED, "dates_shifted", 0)
    reported = frozenset({("VALUE_MISMATCH", "start_date"), ("LOW_CONFIDENCE", "currency")})
    outcome = Outcome(pair, reported, pair.expected, (), (), {})
    table = per_code([outcome], from_truth=False)
    assert table["VALUE_MISMATCH"] | {"precision": None} == {
        "true_positives": 1,
        "false_positives": 0,
        "false_negatives": 1,
        "precision": None,
        "recall": 0.5,
    }
    assert table["LOW_CONFIDENCE"]["false_positives"] == 1
    assert per_code([outcome], from_truth=True)["VALUE_MISMATCH"]["recall"] == 1.0


def test_a_gap_names_the_fields_its_rule_reads() -> None:
    assert fields_read(("VALUE_MISMATCH", "total_contract_value")) == ("total_contract_value", "currency")
    assert "milestones" in fields_read(("MILESTONE_SUM_MISMATCH", "milestones"))
    assert same_value("total_contract_value", "1250.00", 1250.0)
    assert not same_value("milestones", [{"amount": 1.0}], [{"amount": 2.0}])


def test_the_truth_record_is_the_documents_truth() -> None:
    pair = build_pair(SEED, "milestone_sum_off", 2)
    record = truth_record(pair)
    assert record.fields.total_contract_value.value == Decimal(str(pair.values["total_contract_value"]))
    assert [float(m.amount.value or 0) for m in record.milestones] == [
        m["amount"] for m in pair.values["milestones"]
    ]


def test_the_report_is_well_formed(small_run: dict[str, Any]) -> None:
    assert small_run["command"] == "python -m evals.check"
    assert small_run["run"]["pairs_per_kind"] == 1
    assert set(small_run["per_kind"]) == set(KINDS)
    assert all(row["pairs"] == 1 for row in small_run["per_kind"].values())
    assert len(small_run["pairs"]) == len(KINDS)
    for table in (small_run["per_code"], small_run["per_code_from_truth"]):
        for row in table.values():
            for score in (row["precision"], row["recall"]):
                assert score is None or 0.0 <= score <= 1.0
    seeded = small_run["seeded"]
    assert seeded["gaps"] == sum(len(pair["expected"]) for pair in small_run["pairs"])
    assert small_run["agreeing"]["pairs"] == len(AGREEING_KINDS)


def test_triage_finds_every_seeded_gap_and_nothing_else_on_the_truth(small_run: dict[str, Any]) -> None:
    assert small_run["seeded"]["recall_from_truth"] == 1.0
    agreeing = small_run["agreeing"]
    assert agreeing["pairs_without_exceptions_from_truth"] == agreeing["pairs"]
    assert all(pair["truth_differs"] == [] for pair in small_run["pairs"])


def test_the_pipeline_misses_nothing_on_fields_it_read_right(small_run: dict[str, Any]) -> None:
    """Extraction errors may cost gaps; triage may not: every miss or extra gap must come from a misread."""
    for pair in small_run["pairs"]:
        for finding in [*pair["misses"], *pair["unexpected"]]:
            assert finding["cause"] != "triage", (pair["pair_id"], finding)
            assert finding["misread"] or finding["cause"] == "extraction_confidence"
    crm_side = [pair for pair in small_run["pairs"] if KINDS[pair["kind"]].side == "crm" and pair["expected"]]
    found = [gap for pair in crm_side for gap in pair["expected"] if gap in pair["found"]]
    misread = [finding for pair in crm_side for finding in pair["misses"]]
    assert len(found) + len(misread) == sum(len(pair["expected"]) for pair in crm_side)
