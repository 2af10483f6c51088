"""Postings as people see them: the list (by status), replaying a dead-lettered one, and asking for one.

Only an approved record version is ever posted: `request_posting` refuses anything else (NotApproved), and
the database refuses an outbox row for a version that is not approved (migration 0004's trigger).
"""

from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp.errors import NotApproved, NotReplayable, PostingNotFound
from erp.outbox import POSTING
from models.base import FrozenModel
from models.orm import (
    Document,
    DocumentStatus,
    OutboxEntry,
    OutboxStatus,
    RecordStatus,
    RecordVersion,
    utc_now,
)
from review.approval import outbox_entry
from review.audit import record_event

REPLAYABLE: Final = frozenset({OutboxStatus.dead.value})


class PostingView(FrozenModel):
    id: str
    record_version_id: str
    document_id: str
    filename: str
    kind: str
    idempotency_key: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    erp_reference: str | None
    created_at: datetime
    sent_at: datetime | None


def view(entry: OutboxEntry, document: Document) -> PostingView:
    return PostingView(
        id=entry.id,
        record_version_id=entry.record_version_id,
        document_id=document.id,
        filename=document.filename,
        kind=str(entry.payload.get("kind", "project")),
        idempotency_key=entry.idempotency_key,
        status=OutboxStatus(entry.status),
        attempts=entry.attempts,
        next_attempt_at=entry.next_attempt_at,
        last_error=entry.last_error,
        erp_reference=entry.erp_reference,
        created_at=entry.created_at,
        sent_at=entry.sent_at,
    )


def list_postings(
    session: Session, status: OutboxStatus | None = None, document_id: str | None = None, limit: int = 500
) -> list[PostingView]:
    """Postings, newest first; `status` and `document_id` narrow the list."""
    statement = (
        select(OutboxEntry, Document)
        .join(RecordVersion, OutboxEntry.record_version_id == RecordVersion.id)
        .join(Document, Document.id == RecordVersion.document_id)
        .order_by(OutboxEntry.created_at.desc(), OutboxEntry.id)
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(OutboxEntry.status == status.value)
    if document_id is not None:
        statement = statement.where(Document.id == document_id)
    return [view(entry, document) for entry, document in session.execute(statement)]


def get_posting(session: Session, entry_id: str) -> PostingView:
    found = session.execute(
        select(OutboxEntry, Document)
        .join(RecordVersion, OutboxEntry.record_version_id == RecordVersion.id)
        .join(Document, Document.id == RecordVersion.document_id)
        .where(OutboxEntry.id == entry_id)
    ).one_or_none()
    if found is None:
        raise PostingNotFound(f"no ERP posting {entry_id}")
    return view(*found)


def replay(session: Session, actor: str, entry_id: str) -> PostingView:
    """Put a dead-lettered posting back in the queue with fresh attempts (the same idempotency key)."""
    entry = session.get(OutboxEntry, entry_id, with_for_update=True)
    if entry is None:
        raise PostingNotFound(f"no ERP posting {entry_id}")
    if entry.status not in REPLAYABLE:
        raise NotReplayable(f"posting {entry_id} is {entry.status}; only a dead posting is replayed")
    version = entry.record_version
    if version.status != RecordStatus.approved.value:
        current = session.scalar(
            select(RecordVersion.version).where(
                RecordVersion.document_id == version.document_id,
                RecordVersion.status == RecordStatus.approved.value,
            )
        )
        newer = f"version {current} is the approved one" if current else "no version is approved now"
        raise NotReplayable(
            f"posting {entry_id} is of record version {version.version}, which is {version.status} "
            f"({newer}); replaying it would post an outdated record"
        )
    now = utc_now()
    before = {"status": entry.status, "attempts": entry.attempts, "last_error": entry.last_error}
    entry.status, entry.attempts, entry.next_attempt_at, entry.claimed_until = "pending", 0, now, None
    document = entry.record_version.document
    document.status, document.failed_stage, document.stage_error = DocumentStatus.approved.value, None, None
    record_event(
        session, actor, "posting.replay", (POSTING, entry_id), before=before, after={"status": "pending"}
    )
    session.commit()
    return view(entry, document)


def request_posting(session: Session, actor: str, record_version_id: str) -> PostingView:
    """The posting of an approved record version: the existing one, or a new pending one.

    Refuses (NotApproved) a version that is a draft or superseded; review.approve writes the posting of a
    version it approves itself, so this serves versions approved before the outbox row existed.
    """
    version = session.get(RecordVersion, record_version_id)
    if version is None or version.status != RecordStatus.approved.value:
        state = "unknown" if version is None else version.status
        raise NotApproved(
            f"record version {record_version_id} is {state}: only an approved version is posted"
        )
    existing = session.scalars(select(OutboxEntry).where(OutboxEntry.record_version_id == version.id)).first()
    if existing is not None:
        return view(existing, version.document)
    entry = outbox_entry(version, utc_now())
    session.add(entry)
    session.flush()
    record_event(
        session, actor, "posting.request", (POSTING, entry.id), after={"record_version_id": version.id}
    )
    session.commit()
    return view(entry, version.document)
