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

import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

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
RECORD_GATHER_S: Final = 0.01


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
    ids = list(session.scalars(candidates).all())
    if not ids:
        session.rollback()
        return []
    # One conditional UPDATE: a row another claimer took since the SELECT (SQLite) no longer matches _due.
    taken = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id.in_(ids), _due(now))
        .values(claimed_until=until, attempts=OutboxEntry.attempts + 1)
        .returning(OutboxEntry.id)
    )
    claimed = sorted(taken.scalars().all(), key=ids.index)
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
    sessions: sessionmaker[Session],
    erp: Erp,
    settings: ErpSettings,
    limiter: RateLimiter | None = None,
    budget_s: float | None = None,
) -> list[Outcome]:
    """Post every due posting until none is due (or, with `budget_s`, until that long has passed: what is
    claimed by then is still posted). Up to `erp_concurrency` postings are in flight, paced by `limiter`
    (default: one at erp_rate_limit_per_s); claims are topped up as postings finish, a batch of at most
    `erp_relay_batch` at a time, so one slow posting never holds the others back.

    The posting threads only call the ERP: this thread claims and loads a batch in one transaction and
    records the outcomes of whatever finished together in one transaction, so the database sees a few
    transactions per batch instead of several per posting."""
    pace = limiter or RateLimiter(settings.erp_rate_limit_per_s)
    deadline = None if budget_s is None else time.monotonic() + budget_s
    outcomes: list[Outcome] = []
    flying: dict[Future[ErpReceipt | ErpError], _Claimed] = {}
    claiming = True
    # Claimed ahead of the threads by at most one batch, so a claim is never held long before its post.
    ahead = settings.erp_concurrency + settings.erp_relay_batch
    with ThreadPoolExecutor(max_workers=settings.erp_concurrency, thread_name_prefix="erp-post") as pool:
        while True:
            room = min(ahead - len(flying), settings.erp_relay_batch)
            if claiming and room >= min(settings.erp_relay_batch, settings.erp_concurrency):
                with sessions() as session:
                    batch = _prepare(session, claim(session, settings, limit=room))
                    session.commit()
                claiming = bool(batch) and (deadline is None or time.monotonic() < deadline)
                unpostable = [(item, item.error) for item in batch if item.error is not None]
                if unpostable:
                    with sessions() as session:
                        outcomes += _record(session, settings, unpostable)
                for item in batch:
                    if item.posting is not None:
                        flying[pool.submit(_call, erp, item, pace)] = item
            if not flying:
                return outcomes
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            finished |= wait(flying, timeout=RECORD_GATHER_S)[0]  # record what finishes together at once
            with sessions() as session:
                outcomes += _record(session, settings, [(flying.pop(f), f.result()) for f in finished])


@dataclass(frozen=True)
class _Claimed:
    entry_id: str
    key: str
    attempts: int
    posting: Posting | None
    error: ErpError | None


def _prepare(session: Session, entry_ids: Sequence[str]) -> list[_Claimed]:
    """The claimed postings with what each will send (or why it cannot be built), loaded in one query."""
    entries = session.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.id.in_(entry_ids))
        .options(joinedload(OutboxEntry.record_version))
    ).all()
    prepared: list[_Claimed] = []
    for entry in sorted(entries, key=lambda e: entry_ids.index(e.id)):
        try:
            posting, error = load_posting(session, entry), None
        except ErpError as unpostable:
            posting, error = None, unpostable
        prepared.append(_Claimed(entry.id, entry.idempotency_key, entry.attempts, posting, error))
    return prepared


def _call(erp: Erp, item: _Claimed, limiter: RateLimiter | None) -> ErpReceipt | ErpError:
    """Post one prepared posting (a posting thread: no database here)."""
    assert item.posting is not None
    if limiter is not None:
        limiter.acquire()
    try:
        return erp.post(item.posting, item.key)
    except ErpError as error:
        retry_after = getattr(error, "retry_after", None)
        if limiter is not None and retry_after:
            limiter.pause(retry_after)
        return error


def _record(
    session: Session, settings: ErpSettings, results: Sequence[tuple[_Claimed, ErpReceipt | ErpError]]
) -> list[Outcome]:
    """The outcomes of posted (or unpostable) claims, in one transaction: the sent ones in one statement run
    for each (executemany), so recording keeps up with many postings in flight."""
    sent = [(item, result) for item, result in results if isinstance(result, ErpReceipt)]
    if sent:
        _record_sent(session, sent)
    outcomes = [
        Outcome.sent
        if isinstance(result, ErpReceipt)
        else _failed(session, item.entry_id, item.attempts, result, settings, commit=False)
        for item, result in results
    ]
    session.commit()
    return outcomes


def _record_sent(session: Session, sent: Sequence[tuple[_Claimed, ErpReceipt]]) -> None:
    """Mark these postings sent with the ERP's answer and move their documents to posted; a posting already
    recorded sent (a late duplicate) keeps its first record."""
    table = cast(Table, OutboxEntry.__table__)  # Core: one statement run per row, not the ORM's bulk update
    statement = (
        update(table)
        .where(table.c.id == bindparam("entry"), table.c.status != OutboxStatus.sent.value)
        .values(
            status=OutboxStatus.sent.value,
            sent_at=utc_now(),
            claimed_until=None,
            last_error=None,
            erp_reference=bindparam("reference"),
            erp_response=bindparam("response"),
        )
    )
    rows = [
        {"entry": item.entry_id, "reference": receipt.reference, "response": receipt.model_dump(mode="json")}
        for item, receipt in sent
    ]
    session.connection().execute(statement, rows)
    _set_documents(session, [item.entry_id for item, _ in sent], DocumentStatus.posted)


def _post_claimed(
    sessions: sessionmaker[Session],
    erp: Erp,
    settings: ErpSettings,
    entry_id: str,
    limiter: RateLimiter | None = None,
) -> Outcome:
    with sessions() as session:
        (item,) = _prepare(session, [entry_id])
        session.commit()
    result = item.error if item.error is not None else _call(erp, item, limiter)
    with sessions() as session:
        return _record(session, settings, [(item, result)])[0]


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


def _failed(
    session: Session,
    entry_id: str,
    attempts: int,
    error: ErpError,
    settings: ErpSettings,
    commit: bool = True,
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
        # Another worker finished this posting first (its claim had expired): its outcome stands (the
        # UPDATE matched nothing, so nothing of this transaction needs undoing).
        return Outcome.skipped
    if dead:
        _set_documents(session, [entry_id], DocumentStatus.failed, error=str(error))
        record_event(
            session, SYSTEM, "posting.dead", (POSTING, entry_id), after={"error": str(error)}, at=now
        )
    else:
        # Waiting for its next try: approved, not posting (the posting row holds the error).
        _set_documents(session, [entry_id], DocumentStatus.approved)
    if commit:
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
