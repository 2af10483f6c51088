"""Approval with four-eyes rules, and the one-transaction hand-over to the ERP outbox.

Rules (each enforced here, for admins too):
- only approvers and admins approve (review.roles);
- no one approves a document they uploaded (Document.uploaded_by) → FourEyes (403);
- a version is approved when it has `required` distinct approvers and at least one of them did not edit it
  (review.versions.editors): an editor's approval is recorded but cannot be the only one;
- `required` is 2 when the record's total_contract_value is above ReviewSettings.review_two_approvers_above
  (compared in the record's own currency) or unknown, else 1;
- refused (Blocked, 409) while a blocker exception of the version is open, and (NotReady, 409) while the
  ERP's declared needs (erp.readiness, passed in as `readiness`) are unmet;
- the caller names the version it saw: a newer version, or one already approved → Conflict (409).

On the last required approval, one transaction marks the version approved (and the document's previously
approved version superseded), sets the document's status to "approved", writes the OutboxEntry the ERP stage
reads (payload: record_version_id, document_id, kind) and the audit events. After the commit,
`on_approved(outbox_entry_id)` is called; if it raises, the error is logged and the pending outbox row
stays for the ERP relay to pick up.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.exceptions import Severity
from models.orm import (
    Approval,
    Document,
    DocumentStatus,
    ExceptionRow,
    ExceptionStatus,
    OutboxEntry,
    OutboxStatus,
    RecordStatus,
    RecordVersion,
    Review,
    ReviewAction,
    utc_now,
)
from models.record import DocumentType
from review.audit import DOCUMENT, record_event
from review.errors import Blocked, Conflict, FourEyes, NotReady
from review.roles import Permission, require
from review.settings import ReviewSettings
from review.versions import approvers, editors, load_version, require_draft, require_latest

logger = logging.getLogger(__name__)


class ApprovalResult(FrozenModel):
    document_id: str
    record_version_id: str
    version: int
    approved: bool = False
    approvers: tuple[str, ...]
    required: int
    waiting_for: str | None = None
    outbox_entry_id: str | None = None


def required_approvals(record: dict[str, object], settings: ReviewSettings) -> int:
    """2 when the record's total is above the threshold or unknown, else 1."""
    fields = record.get("fields")
    total = fields.get("total_contract_value", {}).get("value") if isinstance(fields, dict) else None
    if total is None:
        return 2
    return 2 if Decimal(str(total)) > settings.review_two_approvers_above else 1


# What the ERP still needs of a document's record (session, document id, record JSON): (field path, message)
# pairs; empty when it can be posted. The ERP stage declares it (erp.readiness.document_needs); the app
# passes it in, as review comes before erp.
Readiness = Callable[[Session, str, dict[str, Any]], Sequence[tuple[str, str]]]


def approve(
    session: Session,
    actor: str,
    version_id: str,
    *,
    settings: ReviewSettings | None = None,
    on_approved: Callable[[str], None] | None = None,
    readiness: Readiness | None = None,
) -> ApprovalResult:
    """`actor` approves the record version they saw (`version_id`); see the module doc for the rules.
    With `readiness`, a record the ERP could not take is refused (NotReady) before anyone approves it."""
    require(session, actor, Permission.approve)
    version = _locked(session, version_id)
    document = session.get(Document, version.document_id)
    assert document is not None
    _check_may_approve(session, actor, version, document)
    needs = readiness(session, document.id, version.record) if readiness is not None else ()
    if needs:
        raise NotReady("the ERP needs: " + "; ".join(message for _, message in needs))
    now = utc_now()
    given = [*approvers(session, version), actor]
    session.add(Approval(record_version_id=version.id, approver=actor, at=now))
    session.add(Review(record_version_id=version.id, actor=actor, action=ReviewAction.approve.value))
    required = required_approvals(version.record, settings or ReviewSettings())
    waiting = _waiting_for(given, required, editors(session, version))
    after = {"record_version_id": version.id, "approvers": given, "required": required}
    before = {"record_version_id": version.id, "approvers": given[:-1]}
    record_event(session, actor, "record.approve", (DOCUMENT, document.id), before, after, at=now)
    outbox = None if waiting else _finalise(session, actor, version, document)
    _commit(session, version)
    if outbox is not None and on_approved is not None:
        _notify(on_approved, outbox.id)
    return ApprovalResult(
        document_id=document.id,
        record_version_id=version.id,
        version=version.version,
        approved=outbox is not None,
        approvers=tuple(given),
        required=required,
        waiting_for=waiting,
        outbox_entry_id=outbox.id if outbox else None,
    )


def _locked(session: Session, version_id: str) -> RecordVersion:
    """The version, locked against a concurrent approval until this transaction ends.

    PostgreSQL: SELECT … FOR UPDATE. SQLite locks the whole database for writing, so the transaction is
    restarted with a no-op write as its first statement: later reads then see every committed approval.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
        session.execute(
            update(RecordVersion).where(RecordVersion.id == version_id).values(status=RecordVersion.status)
        )
    locked = session.scalar(select(RecordVersion).where(RecordVersion.id == version_id).with_for_update())
    return locked if locked is not None else load_version(session, version_id)


def _check_may_approve(session: Session, actor: str, version: RecordVersion, document: Document) -> None:
    require_latest(session, version)
    require_draft(version)
    if document.uploaded_by == actor:
        raise FourEyes(f"{actor} uploaded {document.filename} and may not approve it")
    if actor in approvers(session, version):
        raise Conflict(f"{actor} already approved record version {version.version}")
    open_blockers = session.scalars(
        select(ExceptionRow.code).where(
            ExceptionRow.record_version_id == version.id,
            ExceptionRow.status == ExceptionStatus.open.value,
            ExceptionRow.severity == Severity.blocker.value,
        )
    ).all()
    if open_blockers:
        raise Blocked(f"open blocker exceptions: {', '.join(sorted(open_blockers))}; resolve or waive them")


def _waiting_for(given: list[str], required: int, edited_by: set[str]) -> str | None:
    if len(set(given)) < required:
        return f"{required - len(set(given))} more approver(s): this record needs {required}"
    if not set(given) - edited_by:
        return "an approver who did not edit this record: its editors cannot be its only approvers"
    return None


def _finalise(session: Session, actor: str, version: RecordVersion, document: Document) -> OutboxEntry:
    now = utc_now()
    _supersede_earlier(session, version)
    version.status = RecordStatus.approved.value
    version.approved_at = now
    before_status = document.status
    document.status = DocumentStatus.approved.value
    outbox = outbox_entry(version, now)
    session.add(outbox)
    session.flush()
    record_event(
        session,
        actor,
        "record.approved",
        (DOCUMENT, document.id),
        before={
            "record_version_id": version.id,
            "status": RecordStatus.draft.value,
            "document": before_status,
        },
        after={
            "record_version_id": version.id,
            "status": RecordStatus.approved.value,
            "document": DocumentStatus.approved.value,
            "outbox_entry_id": outbox.id,
        },
        at=now,
    )
    return outbox


def _supersede_earlier(session: Session, version: RecordVersion) -> None:
    """The document's previously approved version gives way to `version` (the ERP moves to the new one)."""
    for previous in session.scalars(
        select(RecordVersion).where(
            RecordVersion.document_id == version.document_id,
            RecordVersion.status == RecordStatus.approved.value,
            RecordVersion.id != version.id,
        )
    ):
        previous.status = RecordStatus.superseded.value


def outbox_entry(version: RecordVersion, due: datetime) -> OutboxEntry:
    """The pending ERP posting of an approved version, due at `due`: the one shape of an outbox row (its
    idempotency key is derived from the version, so a version is posted once whoever asks)."""
    document_type = version.record.get("fields", {}).get("document_type", {}).get("value")
    kind = "amendment" if document_type == DocumentType.change_order.value else "project"
    return OutboxEntry(
        record_version_id=version.id,
        idempotency_key=f"handoff-rv-{version.id}",
        payload={"record_version_id": version.id, "document_id": version.document_id, "kind": kind},
        status=OutboxStatus.pending.value,
        attempts=0,
        next_attempt_at=due,
    )


def _commit(session: Session, version: RecordVersion) -> None:
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(f"record version {version.version} changed while approving; reload") from error


def _notify(on_approved: Callable[[str], None], outbox_entry_id: str) -> None:
    try:
        on_approved(outbox_entry_id)
    except Exception:
        logger.exception("on_approved failed for outbox entry %s; it stays pending", outbox_entry_id)
