"""Postings from frozen approved records: pure functions (the outbox loads the record and the base project).

A change order posts as an amendment of the ERP project its base record was posted as.
"""

from erp.errors import UnpostableRecord
from erp.models import AmendmentPosting, ProjectPosting, ProjectShell
from erp.readiness import require_ready
from erp.schedule import build_schedule
from models.record import HandoffRecord


def project_shell(record: HandoffRecord) -> ProjectShell:
    fields = record.fields
    client, currency, model = fields.client_name.value, fields.currency.value, fields.billing_model.value
    name = fields.project_name.value or fields.contract_number.value
    missing = [
        label
        for label, value in (("client", client), ("project name", name), ("currency", currency))
        if not value
    ]
    if model is None:
        missing.append("billing model")
    if missing:
        raise UnpostableRecord(f"the approved record has no {', '.join(missing)}")
    assert client and name and currency and model
    return ProjectShell(
        client=client,
        project_name=name,
        contract_number=fields.contract_number.value,
        effective_date=fields.effective_date.value,
        start_date=fields.start_date.value,
        end_date=fields.end_date.value,
        currency=currency,
        contract_value=fields.total_contract_value.value,
        billing_model=model.value,
        payment_terms_days=fields.payment_terms_days.value,
        governing_law=fields.governing_law.value,
    )


def project_posting(record_version_id: str, record: HandoffRecord) -> ProjectPosting:
    require_ready(record)
    return ProjectPosting(
        record_version_id=record_version_id, project=project_shell(record), schedule=build_schedule(record)
    )


def amendment_posting(
    record_version_id: str, record: HandoffRecord, base_project_id: str
) -> AmendmentPosting:
    require_ready(record)
    return AmendmentPosting(
        record_version_id=record_version_id,
        base_project_id=base_project_id,
        amends_contract_number=record.amends_contract_number.value,
        project=project_shell(record),
        schedule=build_schedule(record),
    )
