"""The outbox processor: claim a due posting, post it to the ERP, record the outcome.

A posting is due when its status is pending or failed, its next_attempt_at has come and no live claim holds
it. Claiming takes it for `erp_claim_s` seconds and counts an attempt: on PostgreSQL with SELECT … FOR UPDATE
SKIP LOCKED (concurrent workers take different rows), on SQLite with one conditional UPDATE per row (SQLite
has one writer at a time, so only one claim can match). A worker that dies mid-post leaves its claim to
expire; the posting is then claimed again and re-posted with the same Idempotency-Key, which the ERP answers
with the first answer, so a retry never makes a second project.

Outcomes: sent (erp_reference set, the document `posted`); a transient error (5xx, timeout, connection, base
project not yet posted) → failed with next_attempt_at = now + backoff (doubling, capped) and the document
back to `approved` (the document is `posting` only while a claim is being posted), or dead after
`erp_max_attempts`; a permanent error (4xx, unpostable record, not approved) → dead at once with the message.

Postings are a state machine: pending/failed → sent | failed | dead, never out of sent. A document's status
follows only the posting of its current approved version (`_set_documents`), and a superseded version is
never posted, so no retry, late worker or replay moves a document backwards.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from erp.errors import BaseNotPosted, ErpError, NotApproved, UnpostableRecord
from erp.models import ErpReceipt, Posting
from erp.payload import amendment_posting, project_posting
from erp.protocol import Erp
from erp.ratelimit import RateLimiter
from erp.settings import ErpSettings
from models.orm import (
    Document,
    DocumentStatus,
    OutboxEntry,
    OutboxStatus,
    RecordStatus,
    RecordVersion,
    utc_now,
)
from models.record import HandoffRecord
from review.audit import record_event
from triage.store import find_base_record

POSTING: Final = "erp_posting"
SYSTEM: Final = "erp-relay"
POST_STAGE: Final = "post"
DUE_STATUSES: Final = (OutboxStatus.pending.value, OutboxStatus.failed.value)


class Outcome(StrEnum):
    sent = "sent"
    retry = "retry"
    dead = "dead"
    skipped = "skipped"


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxEntry.status.in_(DUE_STATUSES),
        OutboxEntry.next_attempt_at <= now,
        or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now),
    )


def claim(
    session: Session, settings: ErpSettings, *, entry_id: str | None = None, limit: int = 1
) -> list[str]:
    """Claim up to `limit` due postings (or just `entry_id`), oldest first; returns the claimed ids."""
    now = utc_now()
    until = now + timedelta(seconds=settings.erp_claim_s)
    candidates = select(OutboxEntry.id).where(_due(now)).order_by(OutboxEntry.next_attempt_at).limit(limit)
    if entry_id is not None:
        candidates = candidates.where(OutboxEntry.id == entry_id)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed: list[str] = []
    for candidate in session.scalars(candidates).all():
        taken = session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == candidate, _due(now))
            .values(claimed_until=until, attempts=OutboxEntry.attempts + 1)
        )
        if getattr(taken, "rowcount", 0) == 1:
            claimed.append(candidate)
    _set_documents(session, claimed, DocumentStatus.posting)
    session.commit()
    return claimed


def deliver(
    sessions: sessionmaker[Session],
    erp: Erp,
    settings: ErpSettings,
    entry_id: str,
    limiter: RateLimiter | None = None,
) -> Outcome:
    """Claim `entry_id` if it is due and post it; `skipped` when it is not due or another worker holds it."""
    with sessions() as session:
        if not claim(session, settings, entry_id=entry_id):
            return Outcome.skipped
    return _post_claimed(sessions, erp, settings, entry_id, limiter)


def relay(
    sessions: sessionmaker[Session], erp: Erp, settings: ErpSettings, limiter: RateLimiter | None = None
) -> list[Outcome]:
    """Post every due posting, a batch of claims at a time, until none is due. A batch is posted with up
    to `erp_concurrency` postings in flight, paced by `limiter` (default: one at erp_rate_limit_per_s)."""
    pace = limiter or RateLimiter(settings.erp_rate_limit_per_s)
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=settings.erp_concurrency, thread_name_prefix="erp-post") as pool:
        while True:
            with sessions() as session:
                claimed = claim(session, settings, limit=settings.erp_relay_batch)
            if not claimed:
                return outcomes
            outcomes += pool.map(
                lambda entry_id: _post_claimed(sessions, erp, settings, entry_id, pace), claimed
            )


def _post_claimed(
    sessions: sessionmaker[Session],
    erp: Erp,
    settings: ErpSettings,
    entry_id: str,
    limiter: RateLimiter | None = None,
) -> Outcome:
    with sessions() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        key, attempts = entry.idempotency_key, entry.attempts
        try:
            posting = load_posting(session, entry)
        except ErpError as error:
            return _failed(session, entry_id, attempts, error, settings)
    if limiter is not None:
        limiter.acquire()
    try:
        receipt = erp.post(posting, key)
    except ErpError as error:
        retry_after = getattr(error, "retry_after", None)
        if limiter is not None and retry_after:
            limiter.pause(retry_after)
        with sessions() as session:
            return _failed(session, entry_id, attempts, error, settings)
    with sessions() as session:
        return _sent(session, entry_id, receipt)


def load_posting(session: Session, entry: OutboxEntry) -> Posting:
    """The posting of an outbox row, built from its frozen approved record version. A version that a
    newer approved version has superseded is not posted: the newer version's own posting replaces it."""
    version = entry.record_version
    if version.approved_at is None or version.status != RecordStatus.approved.value:
        raise NotApproved(f"record version {version.id} is {version.status}, not the approved version")
    record = HandoffRecord.model_validate(version.record)
    if entry.payload.get("kind") != "amendment":
        return project_posting(version.id, record)
    return amendment_posting(version.id, record, base_project_id(session, record, version.document_id))


def base_project_id(session: Session, change_order: HandoffRecord, document_id: str) -> str:
    """The ERP project of the change order's base record: the one its base document was posted as."""
    base = find_base_record(session, change_order, excluding=document_id)
    if base is None:
        referenced = change_order.amends_contract_number.value or "an unstated contract number"
        raise UnpostableRecord(f"no stored base record for the change order (amends {referenced})")
    sent = session.scalars(
        select(OutboxEntry)
        .join(RecordVersion, OutboxEntry.record_version_id == RecordVersion.id)
        .where(RecordVersion.document_id == base[0], OutboxEntry.status == OutboxStatus.sent.value)
        .order_by(OutboxEntry.sent_at.desc())
    ).all()
    projects = [entry for entry in sent if entry.payload.get("kind") != "amendment" and entry.erp_reference]
    if not projects:
        raise BaseNotPosted(f"the base document {base[0]} has no project in the ERP yet")
    reference = projects[0].erp_reference
    assert reference is not None
    return reference


def _sent(session: Session, entry_id: str, receipt: ErpReceipt) -> Outcome:
    now = utc_now()
    recorded = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.status != OutboxStatus.sent.value)
        .values(
            status=OutboxStatus.sent.value,
            sent_at=now,
            claimed_until=None,
            last_error=None,
            erp_reference=receipt.reference,
            erp_response=receipt.model_dump(mode="json"),
        )
    )
    if getattr(recorded, "rowcount", 0) == 1:
        _set_documents(session, [entry_id], DocumentStatus.posted)
    session.commit()
    return Outcome.sent


def _failed(
    session: Session, entry_id: str, attempts: int, error: ErpError, settings: ErpSettings
) -> Outcome:
    now = utc_now()
    dead = not error.transient or attempts >= settings.erp_max_attempts
    delay = min(settings.erp_backoff_s * 2 ** max(attempts - 1, 0), settings.erp_max_backoff_s)
    delay = max(delay, getattr(error, "retry_after", None) or 0.0)  # never before the ERP's Retry-After
    values: dict[str, Any] = {"last_error": str(error), "claimed_until": None}
    if dead:
        values["status"] = OutboxStatus.dead.value
    else:
        values |= {"status": OutboxStatus.failed.value, "next_attempt_at": now + timedelta(seconds=delay)}
    recorded = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.status.in_(DUE_STATUSES))
        .values(**values)
    )
    if getattr(recorded, "rowcount", 0) != 1:
        # Another worker finished this posting first (its claim had expired): its outcome stands.
        session.rollback()
        return Outcome.skipped
    if dead:
        _set_documents(session, [entry_id], DocumentStatus.failed, error=str(error))
        record_event(
            session, SYSTEM, "posting.dead", (POSTING, entry_id), after={"error": str(error)}, at=now
        )
    else:
        # Waiting for its next try: approved, not posting (the posting row holds the error).
        _set_documents(session, [entry_id], DocumentStatus.approved)
    session.commit()
    return Outcome.dead if dead else Outcome.retry


def _set_documents(
    session: Session, entry_ids: Sequence[str], status: DocumentStatus, error: str | None = None
) -> None:
    """Move the documents of these postings to `status`, only where the posting is of the document's
    current approved version: an old version's posting (superseded, replayed, or finished late by a worker
    whose claim had expired) never moves its document, so nothing sends a posted document backwards."""
    if not entry_ids:
        return
    documents = (
        select(RecordVersion.document_id)
        .join(OutboxEntry, OutboxEntry.record_version_id == RecordVersion.id)
        .where(OutboxEntry.id.in_(entry_ids), RecordVersion.status == RecordStatus.approved.value)
    )
    failed = status is DocumentStatus.failed
    session.execute(
        update(Document)
        .where(Document.id.in_(documents))
        .values(status=status.value, failed_stage=POST_STAGE if failed else None, stage_error=error)
    )
