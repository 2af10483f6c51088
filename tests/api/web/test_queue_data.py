"""The queue's ranking, SLA badges and filters, on records and exceptions stored as triage stores them."""

from datetime import timedelta

from sqlalchemy.orm import Session

from api.web.queue_data import QueueFilters, queue_rows
from models.exceptions import HandoffException, Severity
from models.orm import Document, utc_now
from models.record import DocumentInfo, ExtractorInfo, HandoffRecord
from triage.store import store_check


def stored_document(session: Session, name: str) -> str:
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
        status="ready_for_review",
    )
    session.add(document)
    session.commit()
    return document.id


def record(name: str) -> HandoffRecord:
    info = DocumentInfo(sha256="0" * 64, filename=name, pages=1, parser="pypdfium2")
    return HandoffRecord(document=info, extractor=ExtractorInfo(backend="offline", model="rules"))


def exception(revenue: float | None, sla_hours: int, severity: Severity = Severity.high) -> HandoffException:
    return HandoffException(
        code="VALUE_MISMATCH",
        field="total_contract_value",
        kind="mismatch",
        severity=severity,
        message="differs",
        revenue_at_risk=revenue,
        owner_team="finance" if revenue else "pmo",
        sla_hours=sla_hours,
    )


def test_ranked_by_revenue_at_risk_with_sla_badges_and_filters(session: Session) -> None:
    small, big, clean = (stored_document(session, name) for name in ("small.pdf", "big.pdf", "clean.pdf"))
    raised = utc_now() - timedelta(hours=2)
    store_check(session, small, record("small.pdf"), [exception(None, 1)], created_by="t", raised_at=raised)
    store_check(session, big, record("big.pdf"), [exception(90_000.0, 12)], created_by="t", raised_at=raised)
    store_check(session, clean, record("clean.pdf"), [], created_by="t", raised_at=raised)

    rows = queue_rows(session, QueueFilters())
    assert [row.document.filename for row in rows] == ["big.pdf", "small.pdf", "clean.pdf"]
    assert [row.sla for row in rows] == ["due_soon", "overdue", None]
    assert rows[0].revenue_at_risk == 90_000.0 and rows[0].owner_team == "finance"

    assert [r.document.filename for r in queue_rows(session, QueueFilters(sla="overdue"))] == ["small.pdf"]
    assert [r.document.filename for r in queue_rows(session, QueueFilters(owner="finance"))] == ["big.pdf"]
    assert [r.document.filename for r in queue_rows(session, QueueFilters(search="CLEAN"))] == ["clean.pdf"]
    assert queue_rows(session, QueueFilters(status="approved")) == []
