"""Building exceptions: severity, owner team and SLA from the policy; values and messages formatted alike."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Final

from models.exceptions import ExceptionCode, HandoffException, Severity
from models.record import LIST_ITEM_TYPES, DocumentType, Evidence, HandoffRecord, RecordFields
from triage.policy import Policy

DOCUMENT_LABELS: Final = {
    DocumentType.sow: "SOW",
    DocumentType.proposal: "Proposal",
    DocumentType.change_order: "Change order",
    DocumentType.msa: "MSA",
    DocumentType.order_form: "Order form",
}
SEVERITY_ORDER: Final = {severity: index for index, severity in enumerate(Severity)}
CODE_ORDER: Final = {code.value: index for index, code in enumerate(ExceptionCode)}
# Codes and ISO values read better without quotes; names and numbers a person typed are quoted.
PLAIN_TEXT_FIELDS: Final = frozenset({"currency"})
FIELD_ORDER: Final = {
    name: index for index, name in enumerate([*RecordFields.model_fields, *LIST_ITEM_TYPES])
}


def document_label(record: HandoffRecord) -> str:
    """How messages name the document: "SOW", "Change order"…, "Document" when its type is unknown."""
    kind = record.fields.document_type.value
    return DOCUMENT_LABELS.get(kind, "Document") if kind is not None else "Document"


def plain(value: object) -> object:
    """A JSON-ready form of a record value, so that an exception reads back equal after storage."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def money(amount: Decimal, currency: str | None) -> str:
    return f"{amount:,.2f} {currency}" if currency else f"{amount:,.2f}"


def shown(field: str, value: object, currency: str | None = None) -> str:
    """A field's value as a message shows it: money with its currency, "Net 30", names in quotes."""
    if isinstance(value, Decimal):
        return money(value, currency)
    if field == "payment_terms_days":
        return f"Net {value}"
    if isinstance(value, str) and not isinstance(value, Enum) and field not in PLAIN_TEXT_FIELDS:
        return f"'{value}'"
    return str(plain(value))


def percent_delta(value: Decimal, reference: Decimal) -> str:
    """ " (-6.25%)": the signed change from `reference` to `value`; empty when the reference is zero."""
    if reference == 0:
        return ""
    return f" ({(value - reference) / reference * 100:+.2f}%)"


def finding(
    policy: Policy,
    code: ExceptionCode,
    field: str | None,
    kind: str,
    message: str,
    *,
    document_value: object = None,
    crm_value: object = None,
    evidence: Iterable[Evidence] = (),
) -> HandoffException:
    severity = policy.severity_of(code, field)
    return HandoffException(
        code=code.value,
        field=field,
        kind=kind,
        severity=severity,
        document_value=plain(document_value),
        crm_value=plain(crm_value),
        message=message,
        evidence=tuple(evidence),
        owner_team=policy.owner_of(code, field),
        sla_hours=policy.sla_of(severity),
    )


def ordered(exceptions: Iterable[HandoffException]) -> list[HandoffException]:
    """Most severe first, then in code order and record field order; the message breaks remaining ties."""
    return sorted(
        exceptions,
        key=lambda e: (
            SEVERITY_ORDER[e.severity],
            CODE_ORDER.get(e.code, len(CODE_ORDER)),
            e.code,
            FIELD_ORDER.get(e.field or "", len(FIELD_ORDER)),
            e.field or "",
            e.message,
        ),
    )
