"""What the ERP needs before a record can be posted: one declaration, used twice.

The review page shows each unmet need next to its field and approval is refused while any is open
(api wires `unmet_needs` into review.approval.approve); the posting code calls `require_ready` before it
builds a posting. So a record is never approved only for the ERP to refuse it for a reason that was
knowable before approval. The needs are those of the project shell (client, a name, currency, billing
model), of the billing schedule per billing model (erp.schedule), and of the ERP's own validation (the
sandbox schema: a schedule has at least one line, currency is ISO 4217). A schedule builder that still
refuses a record whose declared needs are met is reported as a need too, so the two cannot drift apart.
"""

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy.orm import Session

from erp.errors import UnpostableRecord
from erp.schedule import STEP_DAYS, STEP_MONTHS, build_schedule
from models.base import FrozenModel
from models.record import BillingModel, HandoffRecord, InvoiceFrequency, RateUnit
from triage.store import find_base_record, is_change_order

RECORD: Final = "record"


class Need(FrozenModel):
    """One thing the ERP needs that the record lacks: the field path it concerns, and what is needed."""

    field: str
    message: str


def unmet_needs(record: HandoffRecord) -> list[Need]:
    """Every need of a posting that `record` does not meet (empty: the ERP can take it)."""
    fields = record.fields
    needs: list[Need] = []
    if not fields.client_name.value:
        needs.append(Need(field="fields.client_name", message="the ERP needs the client"))
    if not (fields.project_name.value or fields.contract_number.value):
        needs.append(
            Need(field="fields.project_name", message="the ERP needs a project name (or a contract number)")
        )
    if not fields.currency.value:
        needs.append(Need(field="fields.currency", message="the ERP needs the currency"))
    model = fields.billing_model.value
    if model is None:
        needs.append(Need(field="fields.billing_model", message="the ERP needs the billing model"))
        return needs
    needs += MODEL_NEEDS[model](record)
    if not needs:
        try:
            build_schedule(record)
        except UnpostableRecord as error:
            needs.append(Need(field=RECORD, message=error.detail))
    return needs


def require_ready(record: HandoffRecord) -> None:
    """UnpostableRecord naming every unmet need; nothing when the ERP can take the record."""
    needs = unmet_needs(record)
    if needs:
        raise UnpostableRecord("; ".join(need.message for need in needs))


def needs_of(record: dict[str, Any]) -> list[tuple[str, str]]:
    """`unmet_needs` of a stored record's JSON as (field, message) pairs."""
    return [(need.field, need.message) for need in unmet_needs(HandoffRecord.model_validate(record))]


def document_needs(session: Session, document_id: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    """What the ERP still needs of a document's record, as (field, message) pairs: `unmet_needs`, and for a
    change order a stored base contract to amend (erp.outbox posts it as an amendment of the base's ERP
    project). This is the readiness check review's approval takes (review cannot import erp)."""
    parsed = HandoffRecord.model_validate(record)
    needs = [(need.field, need.message) for need in unmet_needs(parsed)]
    if is_change_order(parsed) and find_base_record(session, parsed, excluding=document_id) is None:
        referenced = (
            parsed.amends_contract_number.value or parsed.fields.contract_number.value or "(none stated)"
        )
        needs.append(
            (
                "amends_contract_number",
                f"the change order amends {referenced}, which no stored document is: upload the base "
                "contract first (its ERP project is what the change order amends)",
            )
        )
    return needs


def _term(record: HandoffRecord, what: str) -> list[Need]:
    start, end = record.fields.start_date.value, record.fields.end_date.value
    needs = [
        Need(field=path, message=f"a {what} schedule needs the {label}")
        for path, label, value in (
            ("fields.start_date", "start date", start),
            ("fields.end_date", "end date", end),
        )
        if value is None
    ]
    if start is not None and end is not None and end < start:
        needs.append(
            Need(field="fields.end_date", message=f"the end date {end} is before the start date {start}")
        )
    return needs


def _milestone(record: HandoffRecord) -> list[Need]:
    if not record.milestones:
        return [Need(field="milestones", message="milestone billing needs at least one milestone")]
    return []


def _time_and_materials(record: HandoffRecord) -> list[Need]:
    return _term(record, "time and materials")


def _retainer(record: HandoffRecord) -> list[Need]:
    needs = _term(record, "retainer")
    monthly = any(item.unit.value is RateUnit.month and item.rate.value for item in record.rate_card)
    if not monthly and record.fields.total_contract_value.value is None:
        needs.append(
            Need(
                field="fields.total_contract_value",
                message="a retainer needs a monthly fee in the rate card or the total contract value",
            )
        )
    return needs


def _fixed_fee(record: HandoffRecord) -> list[Need]:
    fields = record.fields
    needs = []
    if fields.total_contract_value.value is None:
        needs.append(
            Need(field="fields.total_contract_value", message="a fixed fee needs the total contract value")
        )
    frequency = fields.invoice_frequency.value
    if frequency is InvoiceFrequency.upon_milestone and record.milestones:
        return needs
    if frequency in STEP_DAYS or frequency in STEP_MONTHS:
        needs += _term(record, "fixed fee instalments")
    return needs


def _mixed(record: HandoffRecord) -> list[Need]:
    return _term(record, "time and materials")


MODEL_NEEDS: Final[dict[BillingModel, Callable[[HandoffRecord], list[Need]]]] = {
    BillingModel.milestone: _milestone,
    BillingModel.time_and_materials: _time_and_materials,
    BillingModel.retainer: _retainer,
    BillingModel.fixed_fee: _fixed_fee,
    BillingModel.mixed: _mixed,
}
