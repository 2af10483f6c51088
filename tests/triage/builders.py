"""Real HandoffRecords and CrmOpportunities for triage tests: an agreeing SOW + CRM pair, and its variants."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.crm import CrmOpportunity
from models.orm import Document, RecordVersion
from models.record import (
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RateCardItem,
    fields_from_values,
)
from triage.store import store_check

SOW_VALUES: dict[str, object] = {
    "document_type": "sow",
    "contract_number": "SOW-2026-0042",
    "project_name": "Cloud Migration",
    "client_name": "Northwind Health, Inc.",
    "provider_name": "Brightline Consulting LLC",
    "effective_date": "2026-02-27",
    "start_date": "2026-03-16",
    "end_date": "2026-09-30",
    "currency": "USD",
    "total_contract_value": 480000.00,
    "billing_model": "milestone",
    "payment_terms_days": 30,
    "invoice_frequency": "upon_milestone",
    "expenses": "reimbursable",
    "governing_law": "New York",
    "termination_notice_days": 30,
    "auto_renewal": False,
    "signed": True,
    "signature_date": "2026-02-27",
}
CRM_VALUES: dict[str, object] = {
    "opportunity_id": "006Hs00001NwH",
    "account_name": "Northwind Health",
    "amount": 480000.00,
    "currency": "USD",
    "close_date": "2026-02-27",
    "start_date": "2026-03-16",
    "end_date": "2026-09-30",
    "billing_type": "milestone",
    "payment_terms_days": 30,
    "owner": "j.doe",
    "stage": "Closed Won",
    "service_line": "Cloud Migration",
    "customer_tier": "strategic",
    "expected_margin_pct": 32.0,
}
THREE_MILESTONES = (160000, 160000, 160000)


def evidence(quote: str, start: int = 100, page: int = 1) -> Evidence:
    return Evidence(page=page, quote=quote, char_start=start, char_end=start + len(quote))


def milestones(*amounts: float | None) -> tuple[Milestone, ...]:
    return tuple(
        Milestone(
            name=FieldValue(value=f"Milestone {index}", confidence=1.0),
            amount=FieldValue(value=None if amount is None else Decimal(str(amount)), confidence=1.0),
        )
        for index, amount in enumerate(amounts, start=1)
    )


def rate_card() -> tuple[RateCardItem, ...]:
    return (
        RateCardItem.model_validate(
            {
                "role": {"value": "Senior Consultant", "confidence": 1.0},
                "rate": {"value": 225, "confidence": 1.0},
                "unit": {"value": "hour", "confidence": 1.0},
                "currency": {"value": "USD", "confidence": 1.0},
            }
        ),
    )


def record(
    milestone_amounts: tuple[float | None, ...] = THREE_MILESTONES,
    *,
    rates: tuple[RateCardItem, ...] = (),
    amends: str | None = None,
    values: Mapping[str, object] | None = None,
    **overrides: object,
) -> HandoffRecord:
    """The agreeing SOW, with `values` and `overrides` replacing its plain field values (None clears one)."""
    return HandoffRecord(
        document=DocumentInfo(sha256="0" * 64, filename="sow.pdf", pages=4, parser="pypdfium2"),
        extractor=ExtractorInfo(backend="offline", model="rules"),
        fields=fields_from_values({**SOW_VALUES, **(values or {}), **overrides}),
        milestones=milestones(*milestone_amounts),
        rate_card=rates,
        amends_contract_number=FieldValue(value=amends, confidence=1.0 if amends else 0.0),
    )


def with_field(
    base: HandoffRecord, name: str, value: Any, confidence: float = 1.0, *quotes: Evidence
) -> HandoffRecord:
    """`base` with one field replaced by a FieldValue of the given confidence and evidence."""
    stated = type(getattr(base.fields, name)).model_validate(
        {"value": value, "confidence": confidence, "evidence": quotes}
    )
    return base.model_copy(update={"fields": base.fields.model_copy(update={name: stated})})


def opportunity(**values: object) -> CrmOpportunity:
    """The agreeing CRM opportunity, with `values` replacing its fields (None clears a field)."""
    return CrmOpportunity.model_validate({**CRM_VALUES, **values})


def codes(found: list[Any]) -> list[tuple[str, str | None]]:
    return [(exception.code, exception.field) for exception in found]


def add_document(session: Session, name: str, **columns: Any) -> str:
    """A stored document row named `name` (a made-up sha256 and storage key); `columns` set others, e.g.
    status. Returns its id."""
    document = Document(
        sha256=name.encode().hex().ljust(64, "0")[:64],
        filename=name,
        media_type="application/pdf",
        size_bytes=1,
        pages=1,
        parser="pypdfium2",
        parse_status="ok",
        ocr_pages=[],
        parsed={},
        storage_key=f"documents/{name}",
        **columns,
    )
    session.add(document)
    session.commit()
    return document.id


def store_base(session: Session, change_order: dict[str, Any], total: float) -> tuple[str, list[Any]]:
    """A base SOW for a checked change order (its JSON), stored as version 1 of a document of its own:
    the document id and its record-version rows as stored."""
    fields = change_order["fields"]
    base = record(
        values={
            "contract_number": change_order["amends_contract_number"]["value"],
            "client_name": fields["client_name"]["value"],
            "currency": fields["currency"]["value"],
            "total_contract_value": total,
        }
    )
    document = Document(
        sha256="b" * 64, filename="base-sow.pdf", media_type="application/pdf", size_bytes=1, pages=1,
        parser="pypdfium2", parse_status="ok", ocr_pages=[], parsed={}, storage_key="documents/base",
    )  # fmt: skip
    session.add(document)
    session.commit()
    store_check(session, document.id, base, [], created_by="test")
    return document.id, base_rows(session, document.id)


def base_rows(session: Session, document_id: str) -> list[Any]:
    statement = select(RecordVersion.version, RecordVersion.record, RecordVersion.status)
    return list(session.execute(statement.where(RecordVersion.document_id == document_id)).all())
