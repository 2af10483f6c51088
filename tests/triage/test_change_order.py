"""Change orders: linked to their base by contract number, compared as an increment; the base is untouched."""

from decimal import Decimal

import pytest

from models.record import HandoffRecord
from tests.triage.builders import codes, evidence, opportunity, rate_card, record, with_field
from triage.change_order import amended, compare_change_order, links
from triage.compare import find_gaps
from triage.errors import ChangeOrderNotLinked, NotAChangeOrder
from triage.policy import DEFAULT_POLICY

BASE_NUMBER = "SOW-2026-0042"


def base() -> HandoffRecord:
    return record((100000, 150000, 150000), total_contract_value=400000)


def change_order(amends: str | None = BASE_NUMBER, **values: object) -> HandoffRecord:
    fields: dict[str, object] = {
        "document_type": "change_order",
        "contract_number": "CO-2026-007",
        "start_date": "2026-07-01",
        "end_date": "2026-12-31",
        "total_contract_value": 80000,
        "effective_date": "2026-06-20",
        "signature_date": "2026-06-20",
        **values,
    }
    return record((80000,), amends=amends, values=fields)


@pytest.mark.parametrize(
    ("amends", "own_number", "linked"),
    [
        (BASE_NUMBER, "CO-2026-007", True),
        ("sow/2026/0042", "CO-2026-007", True),
        (None, "SOW-2026-0042-CO02", True),
        (None, "CO-2026-007", False),
        ("SOW-2026-0043", "SOW-2026-0042-CO02", False),
        (None, "SOW-2026-00421", False),
    ],
)
def test_a_change_order_links_by_contract_number(amends: str | None, own_number: str, linked: bool) -> None:
    assert links(change_order(amends, contract_number=own_number), base()) is linked


def test_a_base_without_a_number_links_nothing() -> None:
    assert not links(change_order(), record(contract_number=None))


def test_the_revised_total_agrees_with_the_updated_opportunity() -> None:
    crm = opportunity(end_date="2026-12-31")
    assert compare_change_order(change_order(), base(), crm, DEFAULT_POLICY) == []


def test_an_opportunity_not_updated_for_the_increment_is_a_mismatch() -> None:
    quote = evidence("Change Order Fee: $80,000.00", start=950)
    order = with_field(change_order(), "total_contract_value", 80000, 0.97, quote)
    found = compare_change_order(
        order, base(), opportunity(amount=400000, end_date="2026-12-31"), DEFAULT_POLICY
    )
    assert codes(found) == [("VALUE_MISMATCH", "total_contract_value")]
    [gap] = found
    assert gap.document_value == 480000.0
    assert (
        gap.message
        == "SOW + change order total 480,000.00 USD differs from CRM amount 400,000.00 USD (+20.00%)"
    )
    assert gap.evidence == (quote,)


def test_the_extended_end_date_is_compared_and_the_base_start_kept() -> None:
    found = compare_change_order(change_order(), base(), opportunity(), DEFAULT_POLICY)
    assert codes(found) == [("VALUE_MISMATCH", "end_date")]
    view = amended(change_order(), base())
    assert (view.fields.start_date.value, view.fields.end_date.value) == (
        base().fields.start_date.value,
        change_order().fields.end_date.value,
    )


def test_the_base_record_is_not_modified() -> None:
    original = base()
    before = original.model_dump()
    view = amended(change_order(), original)
    assert original.model_dump() == before
    assert view.fields.total_contract_value.value == Decimal(480000)
    assert original.fields.total_contract_value.value == Decimal(400000)


def test_values_taken_from_the_base_carry_no_evidence() -> None:
    quoted_base = with_field(
        base(), "client_name", "Northwind Health, Inc.", 0.9, evidence("Northwind Health, Inc.")
    )
    order = change_order(client_name=None)
    view = amended(order, quoted_base)
    assert view.fields.client_name.value == "Northwind Health, Inc."
    assert view.fields.client_name.evidence == ()


def test_the_change_orders_own_rules_run_on_the_change_order() -> None:
    order = change_order(signed=False)
    order = order.model_copy(update={"milestones": record((50000,)).milestones})
    found = compare_change_order(order, base(), opportunity(end_date="2026-12-31"), DEFAULT_POLICY)
    assert sorted(codes(found)) == [("MILESTONE_SUM_MISMATCH", "milestones"), ("UNSIGNED", "signed")]


def test_a_change_order_in_another_currency_is_not_added() -> None:
    order = change_order(currency="EUR")
    found = compare_change_order(order, base(), opportunity(end_date="2026-12-31"), DEFAULT_POLICY)
    assert codes(found) == [("VALUE_MISMATCH", "currency"), ("CHANGE_ORDER_CURRENCY_MISMATCH", "currency")]
    assert found[1].message.startswith("Change order currency EUR differs from SOW currency USD")


def test_a_time_and_materials_change_order_is_its_own_opportunity_too() -> None:
    order = change_order(billing_model="time_and_materials", not_to_exceed=80000)
    order = order.model_copy(update={"milestones": (), "rate_card": rate_card()})
    own_opportunity = opportunity(
        amount=80000, start_date="2026-07-01", end_date="2026-12-31", billing_type="time_and_materials"
    )
    assert find_gaps(order, own_opportunity, DEFAULT_POLICY) == []


def test_a_record_that_is_not_a_change_order_is_refused() -> None:
    with pytest.raises(NotAChangeOrder) as refused:
        compare_change_order(base(), base(), opportunity(), DEFAULT_POLICY)
    assert refused.value.code == "not_a_change_order"


def test_an_unlinked_change_order_is_refused() -> None:
    with pytest.raises(ChangeOrderNotLinked) as refused:
        compare_change_order(change_order("SOW-2025-0001"), base(), opportunity(), DEFAULT_POLICY)
    assert refused.value.code == "change_order_not_linked"
    assert "SOW-2025-0001" in refused.value.detail and BASE_NUMBER in refused.value.detail
