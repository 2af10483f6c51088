"""KPI numbers from stored documents, versions, reviews, exceptions and registered CRM opportunities."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from api.web.kpis import compute_kpis
from models.crm import CrmOpportunity
from models.exceptions import HandoffException, Severity
from models.orm import RecordStatus, Review, ReviewAction, utc_now
from models.record import DocumentInfo, ExtractorInfo, FieldValue, HandoffRecord, RecordFields
from tests.triage.builders import add_document
from triage.crm_store import DbCrm, register_opportunity
from triage.store import store_check


def stored_document(session: Session, name: str) -> str:
    return add_document(session, name, status="ready_for_review")


def record(name: str) -> HandoffRecord:
    info = DocumentInfo(sha256="0" * 64, filename=name, pages=1, parser="pypdfium2")
    return HandoffRecord(document=info, extractor=ExtractorInfo(backend="offline", model="rules"))


def exception(revenue: float | None, sla_hours: int) -> HandoffException:
    return HandoffException(
        code="VALUE_MISMATCH",
        field="total_contract_value",
        kind="mismatch",
        severity=Severity.high,
        message="differs",
        revenue_at_risk=revenue,
        owner_team="finance",
        sla_hours=sla_hours,
    )


def test_touchless_cycle_time_exceptions_by_code_and_variance(session: Session) -> None:
    uploaded = utc_now() - timedelta(hours=10)
    ids = [stored_document(session, name) for name in ("a.pdf", "b.pdf", "c.pdf")]
    valued = record("a.pdf").model_copy(
        update={
            "fields": RecordFields(total_contract_value=FieldValue(value=Decimal(110_000), confidence=0.9))
        }
    )
    versions = [
        store_check(session, ids[0], valued, [exception(5.0, 4), exception(None, 4)], created_by="t"),
        store_check(session, ids[1], record("b.pdf"), [exception(None, 4)], created_by="t"),
        store_check(session, ids[2], record("c.pdf"), [], created_by="t"),
    ]
    for document, hours in zip(versions[:2], (2, 30), strict=True):
        document.document.created_at = uploaded
        document.status = RecordStatus.approved.value
        document.approved_at = uploaded + timedelta(hours=hours)
    versions[0].document.crm_opportunity_id = "006K"
    session.add(Review(record_version_id=versions[1].id, actor="rita", action=ReviewAction.correct.value))
    session.commit()
    register_opportunity(
        session, CrmOpportunity(opportunity_id="006K", amount=Decimal(100_000)), sent_at=utc_now(), source="t"
    )

    kpis = compute_kpis(session, DbCrm(sessionmaker(bind=session.get_bind())))
    assert (kpis.approved, kpis.touchless, kpis.touchless_rate) == (2, 1, 0.5)
    assert kpis.checked == 3
    assert [(bar.label, round(bar.value, 3)) for bar in kpis.by_code] == [("VALUE_MISMATCH", 1.0)]
    assert {bar.label: bar.value for bar in kpis.cycle_buckets}["1–4 h"] == 1
    assert {bar.label: bar.value for bar in kpis.cycle_buckets}["1–3 days"] == 1
    assert kpis.cycle_median_hours == 16
    assert [(bar.label, bar.shown) for bar in kpis.variance] == [("a.pdf", "+10.0%")]
