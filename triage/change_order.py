"""Change orders, compared as a delta on the engagement they amend. Pure: no I/O.

Link: a change order amends a base document when it references the base's contract number: its
`amends_contract_number` when the record states one, else its own number when that extends the base's
("SOW-2024-0123-CO02" amends "SOW-2024-0123"). Numbers compare word by word, ignoring case and punctuation.

Comparison: the opportunity is the CRM's record of the whole engagement, so its amount is the revised total.
The amended engagement is a new record; the base record is never changed:
- total = base total + the change order's value (the increment); null unless both are stated;
- start date = the base's (the engagement's start); end date = the change order's (the extended end), else
  the base's; any other field = the change order's value when it states one, else the base's.
Values taken from the base keep their confidence but not their evidence: evidence offsets index the change
order's own text. When the two documents state different currencies the increment cannot be added:
CHANGE_ORDER_CURRENCY_MISMATCH is raised and the amount is not compared. The document and readiness rules run
on the change order alone (its milestones against its increment).

A CRM that books each change order as an opportunity of its own compares it with
`find_gaps(change_order, its_opportunity, policy)`: the change order's value already is the increment.
"""

from decimal import Decimal
from typing import Any, TypeVar

from models.crm import CrmOpportunity
from models.exceptions import ExceptionCode, HandoffException
from models.record import DocumentType, FieldValue, HandoffRecord, RecordFields, contract_number_words
from triage.compare import crm_gaps
from triage.errors import ChangeOrderNotLinked, NotAChangeOrder
from triage.findings import document_label, finding, ordered
from triage.policy import Policy
from triage.rules import document_gaps

T = TypeVar("T")


def links(change_order: HandoffRecord, base: HandoffRecord) -> bool:
    """True when the change order references the base document's contract number."""
    base_number = base.fields.contract_number.value
    if not base_number:
        return False
    wanted = contract_number_words(base_number)
    referenced = change_order.amends_contract_number.value
    if referenced:
        return contract_number_words(referenced) == wanted
    own = change_order.fields.contract_number.value
    return own is not None and contract_number_words(own)[: len(wanted)] == wanted


def _currencies_differ(change_order: HandoffRecord, base: HandoffRecord) -> bool:
    own, inherited = change_order.fields.currency.value, base.fields.currency.value
    return own is not None and inherited is not None and own != inherited


def _inherited(value: FieldValue[T]) -> FieldValue[T]:
    return value.model_copy(update={"evidence": ()})


def _revised_total(change_order: HandoffRecord, base: HandoffRecord) -> FieldValue[Decimal]:
    increment, original = change_order.fields.total_contract_value, base.fields.total_contract_value
    if increment.value is None or original.value is None:
        return increment.model_copy(update={"value": None, "confidence": 0.0, "evidence": ()})
    return increment.model_copy(
        update={
            "value": original.value + increment.value,
            "confidence": min(original.confidence, increment.confidence),
        }
    )


def amended(change_order: HandoffRecord, base: HandoffRecord) -> HandoffRecord:
    """The engagement as the change order leaves it: a new record (see the module's rule)."""
    values: dict[str, FieldValue[Any]] = {}
    for name in RecordFields.model_fields:
        own, inherited = getattr(change_order.fields, name), getattr(base.fields, name)
        values[name] = own if own.value is not None else _inherited(inherited)
    if base.fields.start_date.value is not None:
        values["start_date"] = _inherited(base.fields.start_date)
    values["total_contract_value"] = _revised_total(change_order, base)
    return change_order.model_copy(update={"fields": change_order.fields.model_copy(update=values)})


def compare_change_order(
    change_order: HandoffRecord, base: HandoffRecord, opportunity: CrmOpportunity | None, policy: Policy
) -> list[HandoffException]:
    """The change order's exceptions: its own rules, and the amended engagement against the opportunity."""
    if change_order.fields.document_type.value is not DocumentType.change_order:
        raise NotAChangeOrder(f"document type is {change_order.fields.document_type.value}")
    if not links(change_order, base):
        reference = change_order.amends_contract_number.value or change_order.fields.contract_number.value
        raise ChangeOrderNotLinked(
            f"change order references {reference or 'no contract number'}; "
            f"the base document's number is {base.fields.contract_number.value or 'not stated'}"
        )
    found = document_gaps(change_order, policy)
    skip: tuple[str, ...] = ()
    if _currencies_differ(change_order, base):
        skip = ("total_contract_value",)
        found += _currency_mismatch(change_order, base, policy)
    if opportunity is not None:
        label = f"{document_label(base)} + change order"
        found += crm_gaps(amended(change_order, base), opportunity, policy, label=label, skip=skip)
    return ordered(found)


def _currency_mismatch(
    change_order: HandoffRecord, base: HandoffRecord, policy: Policy
) -> list[HandoffException]:
    code = ExceptionCode.CHANGE_ORDER_CURRENCY_MISMATCH
    if not policy.enabled(code):
        return []
    currency = change_order.fields.currency
    message = (
        f"Change order currency {currency.value} differs from {document_label(base)} currency "
        f"{base.fields.currency.value}: its value cannot be added to the contract total"
    )
    return [
        finding(
            policy,
            code,
            "currency",
            "rule",
            message,
            document_value=currency.value,
            evidence=currency.evidence,
        )
    ]
