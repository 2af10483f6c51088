"""The month-end view: how much is waiting where, so a backlog is visible before finance asks.

Documents by pipeline status, ERP postings by outbox status, postings sent in the last hour (throughput),
and the oldest approval not yet in the ERP (how far behind posting is). Read-only; `handoff status --ops`
and the /ops page show it.
"""

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import Document, OutboxEntry, OutboxStatus, RecordVersion, utc_now

THROUGHPUT_WINDOW: Final = timedelta(hours=1)


class OldestUnposted(FrozenModel):
    document_id: str
    filename: str
    approved_at: datetime
    waiting_hours: float
    posting_status: str


class Backlog(FrozenModel):
    at: datetime
    documents: dict[str, int]
    postings: dict[str, int]
    sent_last_hour: int
    oldest_unposted_approval: OldestUnposted | None


def backlog(session: Session, now: datetime | None = None) -> Backlog:
    moment = now or utc_now()
    by_status = select(Document.status, func.count()).group_by(Document.status)
    documents: dict[str, int] = dict(session.execute(by_status).all())
    postings = {status.value: 0 for status in OutboxStatus}
    by_outbox = select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)
    postings |= dict(session.execute(by_outbox).all())
    sent = session.scalar(
        select(func.count()).where(
            OutboxEntry.status == OutboxStatus.sent.value, OutboxEntry.sent_at > moment - THROUGHPUT_WINDOW
        )
    )
    waiting = session.execute(
        select(Document.id, Document.filename, RecordVersion.approved_at, OutboxEntry.status)
        .join(RecordVersion, OutboxEntry.record_version_id == RecordVersion.id)
        .join(Document, Document.id == RecordVersion.document_id)
        .where(OutboxEntry.status != OutboxStatus.sent.value, RecordVersion.approved_at.is_not(None))
        .order_by(RecordVersion.approved_at)
        .limit(1)
    ).first()
    oldest = None
    if waiting is not None:
        document_id, filename, approved_at, status = waiting
        assert approved_at is not None  # the query only takes approved versions
        hours = round((moment - approved_at).total_seconds() / 3600, 2)
        oldest = OldestUnposted(
            document_id=document_id,
            filename=filename,
            approved_at=approved_at,
            waiting_hours=hours,
            posting_status=status,
        )
    return Backlog(
        at=moment,
        documents=documents,
        postings=postings,
        sent_last_hour=int(sent or 0),
        oldest_unposted_approval=oldest,
    )
