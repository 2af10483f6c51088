"""find_gaps on seeded SOW + CRM pairs: each seed raises exactly its gap, agreeing pairs raise nothing."""

from decimal import Decimal

import pytest

from models.crm import CrmOpportunity
from models.exceptions import ExceptionCode, HandoffException, Severity
from models.record import HandoffRecord
from tests.triage.builders import codes, evidence, opportunity, rate_card, record, with_field
from triage.compare import find_gaps
from triage.policy import DEFAULT_POLICY

AGREEING_PAIRS = {
    "milestone sow": (record(), opportunity()),
    "capped time and materials": (
        record((), rates=rate_card(), billing_model="time_and_materials", not_to_exceed=480000),
        opportunity(billing_type="time_and_materials"),
    ),
    "mixed: milestones schedule the fixed part": (
        record((100000, 280000), rates=rate_card(), billing_model="mixed", not_to_exceed=100000),
        opportunity(billing_type="mixed"),
    ),
    "fixed fee without milestones": (
        record((), billing_model="fixed_fee"),
        opportunity(billing_type="fixed_fee"),
    ),
    "net 45 is standard": (record(payment_terms_days=45), opportunity(payment_terms_days=45)),
    "amount within 0.5 %": (record(), opportunity(amount=481500)),
    "amount exactly 0.5 % off": (
        record((167500,) * 3, total_contract_value=502500),
        opportunity(amount=500000),
    ),
    "name in capitals, no legal form": (record(), opportunity(account_name="NORTHWIND HEALTH")),
    "ACME Corp. = Acme Corporation": (
        record(client_name="ACME Corp."),
        opportunity(account_name="Acme Corporation"),
    ),
    "null on both sides": (record(payment_terms_days=None), opportunity(payment_terms_days=None)),
}


@pytest.mark.parametrize(("document", "crm"), AGREEING_PAIRS.values(), ids=AGREEING_PAIRS.keys())
def test_agreeing_pairs_raise_nothing(document: HandoffRecord, crm: CrmOpportunity) -> None:
    assert find_gaps(document, crm, DEFAULT_POLICY) == []


SEEDS = {
    "value -10 %": (
        record(),
        opportunity(amount=Decimal("533333.33")),
        [("VALUE_MISMATCH", "total_contract_value")],
    ),
    "value +0.6 %": (record(), opportunity(amount=477000), [("VALUE_MISMATCH", "total_contract_value")]),
    "value a cent over 0.5 %": (
        record((167500,) * 3, total_contract_value=Decimal("502500.01")),
        opportunity(amount=500000),
        [("VALUE_MISMATCH", "total_contract_value")],
    ),
    "different entity": (
        record(client_name="Keystone Freight Lines"),
        opportunity(account_name="Keystone Freight Inc."),
        [("VALUE_MISMATCH", "client_name")],
    ),
    "dates shifted two weeks": (
        record(),
        opportunity(start_date="2026-03-30", end_date="2026-10-14"),
        [("VALUE_MISMATCH", "start_date"), ("VALUE_MISMATCH", "end_date")],
    ),
    "currency differs, amounts not compared": (
        record(currency="EUR"),
        opportunity(amount=530000),
        [("VALUE_MISMATCH", "currency")],
    ),
    "billing model differs": (
        record(),
        opportunity(billing_type="fixed_fee"),
        [("VALUE_MISMATCH", "billing_model")],
    ),
    "payment terms differ": (
        record(),
        opportunity(payment_terms_days=15),
        [("VALUE_MISMATCH", "payment_terms_days")],
    ),
    "missing CRM fields": (
        record(),
        opportunity(amount=None, start_date=None),
        [("MISSING_IN_CRM", "total_contract_value"), ("MISSING_IN_CRM", "start_date")],
    ),
    "missing in the document": (record(end_date=None), opportunity(), [("MISSING_IN_DOCUMENT", "end_date")]),
    "net 60": (
        record(payment_terms_days=60),
        opportunity(payment_terms_days=60),
        [("NONSTANDARD_PAYMENT_TERMS", "payment_terms_days")],
    ),
    "net 90": (
        record(payment_terms_days=90),
        opportunity(payment_terms_days=90),
        [("NONSTANDARD_PAYMENT_TERMS", "payment_terms_days")],
    ),
    "uncapped time and materials": (
        record((), rates=rate_card(), billing_model="time_and_materials"),
        opportunity(billing_type="time_and_materials"),
        [("UNCAPPED_TIME_AND_MATERIALS", "not_to_exceed")],
    ),
    "unsigned": (record(signed=False), opportunity(), [("UNSIGNED", "signed")]),
    "milestone sum off": (
        record((160000, 160000, 150000)),
        opportunity(),
        [("MILESTONE_SUM_MISMATCH", "milestones")],
    ),
    "mixed: milestones off the fixed part": (
        record((100000, 300000), rates=rate_card(), billing_model="mixed", not_to_exceed=100000),
        opportunity(billing_type="mixed"),
        [("MILESTONE_SUM_MISMATCH", "milestones")],
    ),
    "end before start": (
        record(end_date="2025-09-30"),
        opportunity(end_date="2025-09-30"),
        [("DATE_ORDER", "end_date")],
    ),
    "milestone billing without milestones": (
        record(()),
        opportunity(),
        [("MISSING_MILESTONES", "milestones")],
    ),
    "time and materials without a rate card": (
        record((), billing_model="time_and_materials", not_to_exceed=480000),
        opportunity(billing_type="time_and_materials"),
        [("MISSING_RATE_CARD", "rate_card")],
    ),
    "no contract number": (
        record(contract_number=None),
        opportunity(),
        [("MISSING_CONTRACT_NUMBER", "contract_number")],
    ),
}


@pytest.mark.parametrize(("document", "crm", "expected"), SEEDS.values(), ids=SEEDS.keys())
def test_each_seed_raises_exactly_its_gap(
    document: HandoffRecord, crm: CrmOpportunity, expected: list[tuple[str, str]]
) -> None:
    assert sorted(codes(find_gaps(document, crm, DEFAULT_POLICY))) == sorted(expected)


def only(found: list[HandoffException]) -> HandoffException:
    assert len(found) == 1, found
    return found[0]


def test_value_mismatch_reads_like_the_spec() -> None:
    gap = only(find_gaps(record((150000,) * 3, total_contract_value=450000), opportunity(), DEFAULT_POLICY))
    assert gap.code == "VALUE_MISMATCH"
    assert gap.kind == "mismatch"
    assert gap.message == "SOW total 450,000.00 USD differs from CRM amount 480,000.00 USD (-6.25%)"
    assert (gap.document_value, gap.crm_value) == (450000.0, 480000.0)
    assert (gap.severity, gap.owner_team, gap.sla_hours) == (Severity.blocker, "finance", 24)


def test_the_document_side_evidence_is_copied_from_the_record() -> None:
    quote = evidence("Total Fees: $432,000.00", start=5120, page=3)
    document = with_field(record((144000, 144000, 144000)), "total_contract_value", 432000, 0.95, quote)
    gap = only(find_gaps(document, opportunity(), DEFAULT_POLICY))
    assert gap.evidence == (quote,)
    assert gap.message.endswith("(-10.00%)")


def test_messages_format_dates_names_and_terms() -> None:
    shifted = find_gaps(record(), opportunity(start_date="2026-03-30", end_date=None), DEFAULT_POLICY)
    assert [gap.message for gap in shifted] == [
        "SOW start date 2026-03-16 differs from CRM start date 2026-03-30 (-14 days)",
        "CRM opportunity 006Hs00001NwH has no end date; SOW end date is 2026-09-30",
    ]
    other = only(find_gaps(record(client_name="Keystone Freight Lines"), opportunity(), DEFAULT_POLICY))
    assert other.message == "SOW client 'Keystone Freight Lines' differs from CRM account 'Northwind Health'"
    terms = only(find_gaps(record(payment_terms_days=None), opportunity(), DEFAULT_POLICY))
    assert terms.message == "SOW does not state the payment term; CRM payment term is Net 30"
    assert terms.document_value is None and terms.crm_value == 30


def test_currency_mismatch_is_a_blocker_for_finance() -> None:
    gap = only(find_gaps(record(currency="GBP"), opportunity(), DEFAULT_POLICY))
    assert gap.message == "SOW currency GBP differs from CRM currency USD"
    assert (gap.severity, gap.owner_team) == (Severity.blocker, "finance")


def test_owner_teams_follow_the_field() -> None:
    found = find_gaps(
        record(signed=False, payment_terms_days=60, end_date="2026-10-31"),
        opportunity(payment_terms_days=60),
        DEFAULT_POLICY,
    )
    owners = {(gap.code, gap.field): gap.owner_team for gap in found}
    assert owners == {
        ("UNSIGNED", "signed"): "legal",
        ("NONSTANDARD_PAYMENT_TERMS", "payment_terms_days"): "finance",
        ("VALUE_MISMATCH", "end_date"): "pmo",
    }


def test_missing_crm_fields_go_to_sales_ops() -> None:
    gap = only(find_gaps(record(), opportunity(billing_type=None), DEFAULT_POLICY))
    assert (gap.code, gap.owner_team, gap.severity) == ("MISSING_IN_CRM", "sales_ops", Severity.low)


def test_without_an_opportunity_only_document_rules_run() -> None:
    assert find_gaps(record(), None, DEFAULT_POLICY) == []
    assert codes(find_gaps(record(signed=False), None, DEFAULT_POLICY)) == [("UNSIGNED", "signed")]


def test_a_low_confidence_watched_field_is_flagged() -> None:
    quote = evidence("Client: Northwind Heaith")
    document = with_field(record(), "client_name", "Northwind Heaith", 0.41, quote)
    gap = only(find_gaps(document, opportunity(), DEFAULT_POLICY))
    assert (gap.code, gap.field, gap.severity, gap.evidence) == (
        "LOW_CONFIDENCE",
        "client_name",
        Severity.low,
        (quote,),
    )
    assert "confidence 0.41, below 0.60" in gap.message


def test_low_confidence_skips_unwatched_and_empty_fields() -> None:
    document = with_field(record(), "project_name", "Cloud Migraton", 0.2)
    document = with_field(document, "payment_terms_days", None, 0.1)
    assert codes(find_gaps(document, opportunity(payment_terms_days=None), DEFAULT_POLICY)) == []


def test_exceptions_come_most_severe_first_in_a_stable_order() -> None:
    document = record(
        (100000, 100000), signed=False, payment_terms_days=90, contract_number=None, currency="EUR"
    )
    crm = opportunity(account_name="Southwind Health", start_date=None)
    found = find_gaps(document, crm, DEFAULT_POLICY)
    assert [(gap.severity.value, gap.code, gap.field) for gap in found] == [
        ("blocker", "VALUE_MISMATCH", "client_name"),
        ("blocker", "VALUE_MISMATCH", "currency"),
        ("blocker", "UNSIGNED", "signed"),
        ("high", "MILESTONE_SUM_MISMATCH", "milestones"),
        ("medium", "VALUE_MISMATCH", "payment_terms_days"),
        ("medium", "NONSTANDARD_PAYMENT_TERMS", "payment_terms_days"),
        ("medium", "MISSING_CONTRACT_NUMBER", "contract_number"),
        ("low", "MISSING_IN_CRM", "start_date"),
    ]
    assert find_gaps(document, crm, DEFAULT_POLICY) == found


def test_an_exception_reads_back_equal_from_json() -> None:
    for gap in find_gaps(
        record(signed=False), opportunity(amount=400000, start_date="2026-04-01"), DEFAULT_POLICY
    ):
        assert HandoffException.model_validate_json(gap.model_dump_json()) == gap


def test_a_proposal_is_not_checked_for_a_signature_or_a_contract_number() -> None:
    sow = find_gaps(record(signed=False, contract_number=None), None, DEFAULT_POLICY)
    proposal = find_gaps(
        record(document_type="proposal", signed=False, contract_number=None), None, DEFAULT_POLICY
    )

    assert {"UNSIGNED", "MISSING_CONTRACT_NUMBER"} <= {code for code, _ in codes(sow)}
    assert not {"UNSIGNED", "MISSING_CONTRACT_NUMBER"} & {code for code, _ in codes(proposal)}


def test_an_unsure_value_goes_to_review_instead_of_contradicting_the_crm() -> None:
    quote = evidence("Total Fees: $450,000.00")
    unsure = with_field(record((150000,) * 3), "total_contract_value", 450000, 0.41, quote)
    assert codes(find_gaps(unsure, opportunity(), DEFAULT_POLICY)) == [
        ("LOW_CONFIDENCE", "total_contract_value")
    ]
    # nor is it missing from the CRM on its own
    assert codes(find_gaps(unsure, opportunity(amount=None), DEFAULT_POLICY)) == [
        ("LOW_CONFIDENCE", "total_contract_value")
    ]
    # once a person confirms it (confidence 1), the difference is raised
    confirmed = with_field(unsure, "total_contract_value", 450000, 1.0, quote)
    assert codes(find_gaps(confirmed, opportunity(), DEFAULT_POLICY)) == [
        ("VALUE_MISMATCH", "total_contract_value")
    ]


def test_without_the_low_confidence_rule_an_unsure_value_is_compared_as_read() -> None:
    policy = DEFAULT_POLICY.model_copy(
        update={"rules": {**DEFAULT_POLICY.rules, ExceptionCode.LOW_CONFIDENCE: False}}
    )
    unsure = with_field(record((150000,) * 3), "total_contract_value", 450000, 0.41)
    assert codes(find_gaps(unsure, opportunity(), policy)) == [("VALUE_MISMATCH", "total_contract_value")]


def test_a_null_the_rest_of_the_record_says_is_stated_asks_a_person_first() -> None:
    unread_client = with_field(record(), "client_name", None, 0.0)
    [gap] = find_gaps(unread_client, opportunity(), DEFAULT_POLICY)
    assert (gap.code, gap.field) == ("LOW_CONFIDENCE", "client_name")
    assert "not read" in gap.message and gap.crm_value == "Northwind Health"
    # with no CRM value to compare there is nothing to raise
    assert codes(find_gaps(unread_client, opportunity(account_name=None), DEFAULT_POLICY)) == []
    # amounts are stated, so a currency must be: not read, not missing
    unread_currency = with_field(record(), "currency", None, 0.0)
    assert codes(find_gaps(unread_currency, opportunity(), DEFAULT_POLICY)) == [
        ("LOW_CONFIDENCE", "currency")
    ]
    # once a person confirms that the document does not state it, it is missing
    confirmed = with_field(record(), "client_name", None, 1.0)
    assert codes(find_gaps(confirmed, opportunity(), DEFAULT_POLICY)) == [
        ("MISSING_IN_DOCUMENT", "client_name")
    ]


def test_a_null_nothing_else_in_the_record_implies_is_missing_in_the_document() -> None:
    # an end date, and a currency or billing model of a document that states no amount, may well be absent
    no_end = with_field(record(), "end_date", None, 0.0)
    assert codes(find_gaps(no_end, opportunity(), DEFAULT_POLICY)) == [("MISSING_IN_DOCUMENT", "end_date")]
    unpriced = with_field(record(()), "total_contract_value", None, 1.0)
    unpriced = with_field(unpriced, "currency", None, 0.0)
    unpriced = with_field(unpriced, "billing_model", None, 0.0)
    assert sorted(codes(find_gaps(unpriced, opportunity(), DEFAULT_POLICY))) == [
        ("MISSING_IN_DOCUMENT", "billing_model"),
        ("MISSING_IN_DOCUMENT", "currency"),
        ("MISSING_IN_DOCUMENT", "total_contract_value"),
    ]
