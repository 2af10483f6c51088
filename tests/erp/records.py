"""HandoffRecords for ERP tests: one per billing model, built from plain values like the corpus' truth."""

from datetime import date
from decimal import Decimal
from typing import Any

from models.record import (
    DocumentInfo,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RateCardItem,
    fields_from_values,
)

BASE_VALUES: dict[str, object] = {
    "document_type": "sow",
    "contract_number": "SOW-2026-0042",
    "project_name": "Cloud Migration",
    "client_name": "Northwind Health, Inc.",
    "effective_date": "2026-02-27",
    "start_date": "2026-03-16",
    "end_date": "2026-09-30",
    "currency": "USD",
    "total_contract_value": 480000.00,
    "billing_model": "milestone",
    "payment_terms_days": 30,
    "invoice_frequency": "upon_milestone",
    "governing_law": "New York",
}


def fv(value: Any) -> FieldValue[Any]:
    return FieldValue(value=value, confidence=1.0)


def milestone(name: str, amount: str, due: str) -> Milestone:
    return Milestone(name=fv(name), amount=fv(Decimal(amount)), due_date=fv(date.fromisoformat(due)))


def rate(role: str, amount: str, unit: str) -> RateCardItem:
    return RateCardItem.model_validate(
        {"role": fv(role), "rate": fv(Decimal(amount)), "unit": fv(unit), "currency": fv("USD")}
    )


def record(
    sha: str = "a",
    *,
    milestones: tuple[Milestone, ...] = (),
    rate_card: tuple[RateCardItem, ...] = (),
    amends: str | None = None,
    **values: Any,
) -> HandoffRecord:
    return HandoffRecord(
        document=DocumentInfo(
            sha256=sha if len(sha) == 64 else sha * 64, filename=f"{sha[:8]}.pdf", pages=3, parser="pypdfium2"
        ),
        extractor=ExtractorInfo(backend="offline", model="rules"),
        fields=fields_from_values(BASE_VALUES | values),
        milestones=milestones,
        rate_card=rate_card,
        amends_contract_number=fv(amends),
    )


MILESTONES = (
    milestone("Discovery", "120000", "2026-04-15"),
    milestone("Migration", "240000", "2026-07-31"),
    milestone("Hypercare", "120000", "2026-09-30"),
)


def milestone_record(sha: str = "a", **values: Any) -> HandoffRecord:
    return record(sha, milestones=MILESTONES, **values)


def change_order_record(sha: str = "c", amends: str = "SOW-2026-0042", **values: Any) -> HandoffRecord:
    defaults: dict[str, Any] = {
        "document_type": "change_order",
        "contract_number": "CO-1",
        "project_name": "Cloud Migration - Change Order 1",
        "total_contract_value": 60000.00,
        "billing_model": "fixed_fee",
        "invoice_frequency": "upfront",
        "start_date": "2026-10-01",
        "end_date": "2026-11-30",
    }
    return record(sha, amends=amends, **(defaults | values))
